// SPDX-License-Identifier: GPL-2.0
/* sound.c - virtio-sound as a sink (see sound.h). */
#include "sound.h"

#include <string.h>

/*
 * 256 entries, where QEMU offers 64: macOS 26 allocates sub-page rings
 * byte-aligned and can program a 64-entry queue's used ring inside its
 * avail ring (peer notes §3); its 256-entry rings were never hit.
 */
#define QUEUE_SIZE	256
#define CONFIG_SIZE	12	/* jacks, streams, chmaps: `controls` needs F_CTLS */
#define PCI_CLASS_MULTIMEDIA_AUDIO 0x040100
#define MAX_INFO_SIZE	256	/* per item; ours are 32 bytes, a larger one is zero-padded */

/* The formats and rates QEMU's device offers, which macOS has run with. */
#define FORMATS	(1ull << VIRTIO_SND_PCM_FMT_S8 | 1ull << VIRTIO_SND_PCM_FMT_U8 |	\
		 1ull << VIRTIO_SND_PCM_FMT_S16 | 1ull << VIRTIO_SND_PCM_FMT_U16 |	\
		 1ull << VIRTIO_SND_PCM_FMT_S32 | 1ull << VIRTIO_SND_PCM_FMT_U32 |	\
		 1ull << VIRTIO_SND_PCM_FMT_FLOAT)
/* Every rate of virtio 1.2's table, 5512 Hz to 384 kHz. */
#define RATES	((1ull << (VIRTIO_SND_PCM_RATE_384000 + 1)) - 1)

/* The wire layouts (little-endian, as the host is). */
struct snd_hdr {
	uint32_t code;
};

struct snd_query_info {
	uint32_t code, start_id, count, size;
};

struct snd_jack_remap {
	uint32_t code, jack_id, association, sequence;
};

struct snd_pcm_hdr {
	uint32_t code, stream_id;
};

struct snd_pcm_set_params {
	uint32_t code, stream_id;
	uint32_t buffer_bytes, period_bytes, features;
	uint8_t channels, format, rate, padding;
};

struct snd_pcm_info {
	uint32_t hda_fn_nid, features;
	uint64_t formats, rates;
	uint8_t direction, channels_min, channels_max, padding[5];
};

struct snd_pcm_xfer {
	uint32_t stream_id;
};

struct snd_pcm_status {
	uint32_t status, latency_bytes;
};

_Static_assert(sizeof(struct snd_pcm_set_params) == 24, "virtio_snd_pcm_set_params");
_Static_assert(sizeof(struct snd_pcm_info) == 32, "virtio_snd_pcm_info");
_Static_assert(sizeof(struct snd_pcm_info) <= MAX_INFO_SIZE, "an item fits its buffer");
_Static_assert(VIRTIO_SND_NR_QUEUES <= VIRTIO_PCI_MAX_QUEUES, "the transport has the queues");
/* Only PCM info is ever written: the other kinds have no items to describe. */
_Static_assert(VIRTIO_SND_JACKS == 0 && VIRTIO_SND_CHMAPS == 0, "no jack or chmap info");

/* What each stream is: what PCM_INFO says and SET_PARAMS is checked against. */
static const struct stream_desc {
	uint8_t direction, channels_min, channels_max;
	uint64_t formats, rates;
} streams[VIRTIO_SND_STREAMS] = {
	{ VIRTIO_SND_D_OUTPUT, 1, 2, FORMATS, RATES },
};

/* The PCM command lifecycle (§5.14.6.6.1): from which states, to which. */
#define STATE(s)	(1u << VIRTIO_SND_PCM_##s)
static const struct pcm_step {
	unsigned int from;
	enum virtio_sound_pcm_state to;
} lifecycle[] = {
	[VIRTIO_SND_R_PCM_SET_PARAMS - VIRTIO_SND_R_PCM_SET_PARAMS] = {
		STATE(IDLE) | STATE(PARAMS) | STATE(PREPARED) | STATE(RELEASED),
		VIRTIO_SND_PCM_PARAMS },
	[VIRTIO_SND_R_PCM_PREPARE - VIRTIO_SND_R_PCM_SET_PARAMS] = {
		STATE(PARAMS) | STATE(PREPARED) | STATE(RELEASED), VIRTIO_SND_PCM_PREPARED },
	[VIRTIO_SND_R_PCM_RELEASE - VIRTIO_SND_R_PCM_SET_PARAMS] = {
		STATE(PREPARED) | STATE(STOPPED), VIRTIO_SND_PCM_RELEASED },
	[VIRTIO_SND_R_PCM_START - VIRTIO_SND_R_PCM_SET_PARAMS] = {
		STATE(PREPARED) | STATE(STOPPED), VIRTIO_SND_PCM_RUNNING },
	[VIRTIO_SND_R_PCM_STOP - VIRTIO_SND_R_PCM_SET_PARAMS] = {
		STATE(RUNNING), VIRTIO_SND_PCM_STOPPED },
};

static unsigned int xfer_queue(struct virtio_sound *s, unsigned int q);

static void config_access(struct virtio_pci *vp, unsigned int off, uint8_t *data,
			  unsigned int len, bool is_write)
{
	const uint32_t cfg[CONFIG_SIZE / 4] = { VIRTIO_SND_JACKS, VIRTIO_SND_STREAMS,
						VIRTIO_SND_CHMAPS };

	(void)vp;
	if (is_write)
		return;		/* all driver-read-only */
	memcpy(data, (const uint8_t *)cfg + off, len);
}

/* The request's first @len bytes, however the driver split them. */
static bool read_request(const struct vq_elem *e, void *req, size_t len)
{
	return iov_to_buf(e->out, e->out_num, 0, req, len) == len;
}

static bool offered(uint64_t mask, uint8_t bit)
{
	return bit < 64 && (mask >> bit & 1);
}

static void pcm_info(uint32_t id, uint8_t *item)
{
	const struct stream_desc *d = &streams[id];
	/* hda_fn_nid 0: one function group holds everything; padding zeroed. */
	struct snd_pcm_info info = {
		.formats = d->formats, .rates = d->rates, .direction = d->direction,
		.channels_min = d->channels_min, .channels_max = d->channels_max,
	};

	memcpy(item, &info, sizeof(info));
}

/*
 * JACK_INFO, PCM_INFO, CHMAP_INFO: items start_id..start_id + count - 1 of
 * @items, each in a slot of the driver's `size` (cut short or zero-padded),
 * after the status.  An empty range in bounds is a valid, empty answer.
 */
static uint32_t query_info(const struct vq_elem *e, uint32_t items,
			   void (*describe)(uint32_t id, uint8_t *item), uint32_t *payload)
{
	uint8_t item[MAX_INFO_SIZE];
	struct snd_query_info q;
	uint32_t i;

	if (!read_request(e, &q, sizeof(q)))
		return VIRTIO_SND_S_BAD_MSG;
	if (q.start_id > items || q.count > items - q.start_id)
		return VIRTIO_SND_S_BAD_MSG;
	/* The driver provides the header plus count * size bytes (§5.14.6.1). */
	if (q.count && (q.size > MAX_INFO_SIZE ||
			(uint64_t)q.count * q.size > e->in_len - sizeof(struct snd_hdr)))
		return VIRTIO_SND_S_BAD_MSG;
	for (i = 0; i < q.count; i++) {
		memset(item, 0, sizeof(item));
		describe(q.start_id + i, item);
		iov_from_buf(e->in, e->in_num, sizeof(struct snd_hdr) + (size_t)i * q.size, item,
			     q.size);
	}
	*payload = q.count * q.size;	/* at most VIRTIO_SND_STREAMS * MAX_INFO_SIZE */
	return VIRTIO_SND_S_OK;
}

static uint32_t jack_remap(const struct vq_elem *e)
{
	struct snd_jack_remap r;

	if (!read_request(e, &r, sizeof(r)))
		return VIRTIO_SND_S_BAD_MSG;
	return VIRTIO_SND_S_NOT_SUPP;	/* no jack, so none with VIRTIO_SND_JACK_F_REMAP */
}

static struct virtio_sound_stream *pcm_stream(struct virtio_sound *s, uint32_t id)
{
	return id < VIRTIO_SND_STREAMS ? &s->stream[id] : NULL;
}

static bool may(const struct virtio_sound_stream *st, uint32_t code)
{
	return lifecycle[code - VIRTIO_SND_R_PCM_SET_PARAMS].from & 1u << st->state;
}

/*
 * Parameters within what PCM_INFO offered, or NOT_SUPP; nonsense sizes are
 * BAD_MSG.  (buffer_bytes % period_bytes is the driver's duty and nothing
 * here depends on it.)
 */
static uint32_t set_params(struct virtio_sound *s, const struct vq_elem *e)
{
	struct snd_pcm_set_params p;
	struct virtio_sound_stream *st;
	const struct stream_desc *d;

	if (!read_request(e, &p, sizeof(p)) || !(st = pcm_stream(s, p.stream_id)))
		return VIRTIO_SND_S_BAD_MSG;
	if (!may(st, VIRTIO_SND_R_PCM_SET_PARAMS) || !p.buffer_bytes || !p.period_bytes)
		return VIRTIO_SND_S_BAD_MSG;
	d = &streams[p.stream_id];
	if (p.features || !offered(d->formats, p.format) || !offered(d->rates, p.rate) ||
	    p.channels < d->channels_min || p.channels > d->channels_max)
		return VIRTIO_SND_S_NOT_SUPP;	/* no PCM feature is offered */
	st->buffer_bytes = p.buffer_bytes;
	st->period_bytes = p.period_bytes;
	st->channels = p.channels;
	st->format = p.format;
	st->rate = p.rate;
	st->state = VIRTIO_SND_PCM_PARAMS;
	return VIRTIO_SND_S_OK;
}

/*
 * RELEASE must not complete while the stream has I/O messages pending
 * (§5.14.6.6.5.1): serve what waits in the tx queue first, a batch at a
 * time, at most a queue's worth.
 */
static void drain_tx(struct virtio_sound *s)
{
	unsigned int rounds = QUEUE_SIZE / VIRTIO_PCI_BATCH;

	while (rounds-- && xfer_queue(s, VIRTIO_SND_VQ_TX) == VIRTIO_PCI_BATCH)
		;
}

/* PREPARE, RELEASE, START, STOP: a step of the lifecycle, or BAD_MSG. */
static uint32_t pcm_command(struct virtio_sound *s, const struct vq_elem *e, uint32_t code)
{
	struct virtio_sound_stream *st;
	struct snd_pcm_hdr h;

	if (!read_request(e, &h, sizeof(h)) || !(st = pcm_stream(s, h.stream_id)) ||
	    !may(st, code))
		return VIRTIO_SND_S_BAD_MSG;
	if (code == VIRTIO_SND_R_PCM_RELEASE && streams[h.stream_id].direction ==
	    VIRTIO_SND_D_OUTPUT)
		drain_tx(s);
	st->state = lifecycle[code - VIRTIO_SND_R_PCM_SET_PARAMS].to;
	return VIRTIO_SND_S_OK;
}

static uint32_t run_request(struct virtio_sound *s, const struct vq_elem *e, uint32_t *payload)
{
	struct snd_hdr h;

	if (!read_request(e, &h, sizeof(h)))
		return VIRTIO_SND_S_BAD_MSG;
	switch (h.code) {
	case VIRTIO_SND_R_JACK_INFO:
		return query_info(e, VIRTIO_SND_JACKS, NULL, payload);
	case VIRTIO_SND_R_PCM_INFO:
		return query_info(e, VIRTIO_SND_STREAMS, pcm_info, payload);
	case VIRTIO_SND_R_CHMAP_INFO:
		return query_info(e, VIRTIO_SND_CHMAPS, NULL, payload);
	case VIRTIO_SND_R_JACK_REMAP:
		return jack_remap(e);
	case VIRTIO_SND_R_PCM_SET_PARAMS:
		return set_params(s, e);
	case VIRTIO_SND_R_PCM_PREPARE:
	case VIRTIO_SND_R_PCM_RELEASE:
	case VIRTIO_SND_R_PCM_START:
	case VIRTIO_SND_R_PCM_STOP:
		return pcm_command(s, e, h.code);
	}
	return VIRTIO_SND_S_NOT_SUPP;
}

/* One control request: the status opens the writable part, any payload follows. */
static uint32_t answer(struct virtio_sound *s, const struct vq_elem *e)
{
	struct snd_hdr status;
	uint32_t payload = 0;

	s->requests++;
	if (e->in_len < sizeof(status)) {
		s->bad_requests++;	/* nowhere to say so: handed back, nothing written */
		return 0;
	}
	status.code = run_request(s, e, &payload);
	if (status.code != VIRTIO_SND_S_OK) {
		s->bad_requests++;
		payload = 0;
	}
	iov_from_buf(e->in, e->in_num, 0, &status, sizeof(status));
	return sizeof(status) + payload;
}

static void control(struct virtio_sound *s)
{
	/* Not the I/O path's element: RELEASE runs the tx queue mid-request. */
	static __thread struct vq_elem e;
	struct virtqueue *vq = &s->vp.vq[VIRTIO_SND_VQ_CONTROL];
	unsigned int taken = 0;
	bool used = false;
	int got = 0;

	while (taken++ < VIRTIO_PCI_BATCH && (got = vq_pop(vq, &e)) > 0) {
		if (vq_push(vq, &e, answer(s, &e)))
			break;
		used = true;
	}
	virtio_pci_batch_done(&s->vp, VIRTIO_SND_VQ_CONTROL, got, taken, used);
}

/* A message on queue @q for a stream of the direction that queue carries. */
static bool xfer_stream_ok(const struct vq_elem *e, unsigned int q)
{
	uint8_t dir = q == VIRTIO_SND_VQ_TX ? VIRTIO_SND_D_OUTPUT : VIRTIO_SND_D_INPUT;
	struct snd_pcm_xfer h;

	return read_request(e, &h, sizeof(h)) && h.stream_id < VIRTIO_SND_STREAMS &&
	       streams[h.stream_id].direction == dir;
}

/*
 * One I/O message: the xfer header and any PCM data readable, the status
 * the writable part's last 8 bytes (after an input buffer).  Output is
 * counted and dropped, in whatever state the stream is: a sink has nothing
 * to get wrong.  No frame is ever recorded, so the used length is the
 * status alone.
 */
static uint32_t xfer(struct virtio_sound *s, unsigned int q, const struct vq_elem *e)
{
	struct snd_pcm_status st = { .status = VIRTIO_SND_S_IO_ERR, .latency_bytes = 0 };

	s->xfers++;
	if (e->in_len < sizeof(st)) {
		s->xfer_errors++;	/* no room for a status: handed back, nothing written */
		return 0;
	}
	if (xfer_stream_ok(e, q)) {
		s->bytes_discarded += e->out_len - sizeof(struct snd_pcm_xfer);
		st.status = VIRTIO_SND_S_OK;
	} else {
		s->xfer_errors++;
	}
	iov_from_buf(e->in, e->in_num, e->in_len - sizeof(st), &st, sizeof(st));
	return sizeof(st);
}

/* A batch of queue @q (tx or rx); the messages handed back. */
static unsigned int xfer_queue(struct virtio_sound *s, unsigned int q)
{
	static __thread struct vq_elem e;
	struct virtqueue *vq = &s->vp.vq[q];
	unsigned int taken = 0, done = 0;
	int got = 0;

	while (taken++ < VIRTIO_PCI_BATCH && (got = vq_pop(vq, &e)) > 0) {
		if (vq_push(vq, &e, xfer(s, q, &e)))
			break;
		done++;
	}
	virtio_pci_batch_done(&s->vp, q, got, taken, done > 0);
	return done;
}

void virtio_sound_kicked(struct virtio_pci *vp, unsigned int q)
{
	struct virtio_sound *s = vp->p.dev;

	if (!virtio_pci_driver_ok(vp))
		return;
	if (q == VIRTIO_SND_VQ_CONTROL)
		control(s);
	else if (q == VIRTIO_SND_VQ_TX || q == VIRTIO_SND_VQ_RX)
		(void)xfer_queue(s, q);
	/* The event queue's buffers wait for events this device never has. */
}

static void reset(struct virtio_pci *vp)
{
	struct virtio_sound *s = vp->p.dev;

	memset(s->stream, 0, sizeof(s->stream));	/* every stream back to IDLE */
}

static const struct virtio_device_ops sound_ops = {
	.config_access = config_access,
	.reset = reset,
};

int virtio_sound_init(struct virtio_sound *s, const struct virtio_host *host)
{
	struct virtio_pci_params p = {
		.name = "virtio-sound", .device_type = VIRTIO_ID_SOUND,
		.nr_queues = VIRTIO_SND_NR_QUEUES, .queue_size = QUEUE_SIZE,
		.config_size = CONFIG_SIZE, .ops = &sound_ops, .dev = s,
		.class_code = PCI_CLASS_MULTIMEDIA_AUDIO,
		.features = VIRTIO_F_RING_INDIRECT_DESC,
	};
	int ret;

	memset(s, 0, sizeof(*s));
	ret = virtio_pci_init(&s->vp, &p, host);
	if (ret)
		return ret;
	s->worker = (struct virtio_worker){ .vp = &s->vp, .kicked = virtio_sound_kicked };
	return 0;
}

void virtio_sound_destroy(struct virtio_sound *s)
{
	virtio_worker_stop(&s->worker);
	virtio_pci_destroy(&s->vp);
}
