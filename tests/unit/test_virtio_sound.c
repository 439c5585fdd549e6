// SPDX-License-Identifier: GPL-2.0
/*
 * test_virtio_sound - virtio-sound through real split rings in fake guest
 * RAM, all four queues set up as a driver does: the config space and PCI
 * identity, the info queries (in range, empty, out of range, short), the
 * PCM lifecycle and parameter checks, output buffers discarded, input and
 * event buffers, and malformed chains (each must get a status where there
 * is room for one, and never break the device).
 */
#include <stdio.h>
#include <string.h>

#include "../../userspace/virtio/sound.h"
#include "fake_guest.h"
#include "tap.h"

#define QSIZE		256	/* every queue at the device's maximum */
/* Queue q's rings: its descriptor table, avail and used rings in 8 KiB of its own. */
#define QBASE(q)	(RAM_BASE + 0x40000 + 0x2000ull * (q))
#define QAVAIL		0x1000
#define QUSED		0x1400

#define REQ_GPA		(BUF_GPA + 0x0000)	/* a control request */
#define RESP_GPA	(BUF_GPA + 0x1000)	/* its response */
#define DATA_GPA	(BUF_GPA + 0x2000)	/* PCM data */
#define PCM_STATUS_GPA	(BUF_GPA + 0x8000)	/* an I/O message's status */
#define MANY_GPA(i)	(RAM_BASE + 0x60000 + 0x200ull * (i))	/* one of many I/O messages */
#define UNTOUCHED	0xeeeeeeeeu

#define PCM_INFO_SIZE	32
#define FMT_S24		15	/* defined, not offered */
#define RATE_12000	14	/* virtio 1.3's, not offered */
#define CTL_INFO	0x0300	/* virtio 1.3's control elements: not offered */

struct ring {
	uint64_t desc, avail, used;
	uint16_t size, avail_idx;
};

struct tb {
	struct fake_guest g;
	struct virtio_sound s;
	struct ring r[VIRTIO_SND_NR_QUEUES];
	uint32_t used_len;	/* of the last chain */
	bool used;		/* the last chain came back */
};

static void kick(struct tb *t, unsigned int q)
{
	pthread_mutex_lock(&t->s.vp.lock);
	virtio_sound_kicked(&t->s.vp, q);
	pthread_mutex_unlock(&t->s.vp.lock);
}

static void put32(struct tb *t, uint64_t gpa, uint32_t v)
{
	memcpy(gpa_ptr(&t->g, gpa), &v, 4);
}

/* fake_guest.h's driver_queue, at queue @q's own addresses. */
static bool queue_up(struct tb *t, uint16_t q, uint16_t size)
{
	struct virtio_pci *vp = &t->s.vp;
	struct ring *r = &t->r[q];

	*r = (struct ring){ QBASE(q), QBASE(q) + QAVAIL, QBASE(q) + QUSED, size, 0 };
	memset(gpa_ptr(&t->g, QBASE(q)), 0, 0x2000);
	bar_wr(vp, 0, VIRTIO_CC_Q_SELECT, q, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_SIZE, size, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_MSIX, VIRTIO_PCI_NO_VECTOR, 2);
	bar_wr(vp, 0, VIRTIO_CC_Q_DESCLO, r->desc, 8);
	bar_wr(vp, 0, VIRTIO_CC_Q_AVAILLO, r->avail, 8);
	bar_wr(vp, 0, VIRTIO_CC_Q_USEDLO, r->used, 8);
	bar_wr(vp, 0, VIRTIO_CC_Q_ENABLE, 1, 2);
	return bar_rd(vp, 0, VIRTIO_CC_Q_ENABLE, 2) == 1;
}

/* Reset and set the device up again as the driver does; true when DRIVER_OK stuck. */
static bool setup(struct tb *t)
{
	struct virtio_pci *vp = &t->s.vp;
	uint16_t q;

	if (!(driver_features(vp, VIRTIO_F_VERSION_1 | VIRTIO_F_RING_INDIRECT_DESC) &
	      VIRTIO_STATUS_FEATURES_OK))
		return false;
	for (q = 0; q < VIRTIO_SND_NR_QUEUES; q++)
		if (!queue_up(t, q, QSIZE))
			return false;
	driver_ok(vp);
	(void)bar_rd(vp, 0, VIRTIO_PCI_ISR, 1);
	return vp_status(vp) == (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static bool tb_init(struct tb *t)
{
	fg_init(&t->g);
	return !virtio_sound_init(&t->s, &t->g.host) && setup(t);
}

static void tb_destroy(struct tb *t)
{
	virtio_sound_destroy(&t->s);
	fg_free(&t->g);
}

static void offer(struct tb *t, unsigned int q, uint16_t head)
{
	struct ring *r = &t->r[q];

	put16(&t->g, r->avail + 4 + 2ull * (r->avail_idx % r->size), head);
	r->avail_idx++;
	put16(&t->g, r->avail + 2, r->avail_idx);
}

static uint16_t used_idx(struct tb *t, unsigned int q)
{
	return get16(&t->g, t->r[q].used + 2);
}

static uint32_t used_id(struct tb *t, unsigned int q, uint16_t n)
{
	return get32(&t->g, t->r[q].used + 4 + 8ull * (n % t->r[q].size));
}

static uint32_t used_len(struct tb *t, unsigned int q, uint16_t n)
{
	return get32(&t->g, t->r[q].used + 8 + 8ull * (n % t->r[q].size));
}

/* Offer the chain at descriptor 0 of queue @q, kick, and note what came back. */
static void offer_and_kick(struct tb *t, unsigned int q)
{
	uint16_t before = used_idx(t, q);

	offer(t, q, 0);
	kick(t, q);
	t->used = used_idx(t, q) == (uint16_t)(before + 1) && used_id(t, q, before) == 0;
	t->used_len = t->used ? used_len(t, q, before) : 0;
}

/*
 * The control request at REQ_GPA (@req_len readable bytes) with a response
 * buffer of @resp_len writable bytes; either may be absent.  The status
 * read back (UNTOUCHED: nothing written).
 */
static uint32_t control(struct tb *t, uint32_t req_len, uint32_t resp_len)
{
	uint64_t desc = t->r[VIRTIO_SND_VQ_CONTROL].desc;

	memset(gpa_ptr(&t->g, RESP_GPA), 0xee, 0x100);
	if (req_len && resp_len) {
		put_desc(&t->g, desc, 0, REQ_GPA, req_len, VRING_DESC_F_NEXT, 1);
		put_desc(&t->g, desc, 1, RESP_GPA, resp_len, VRING_DESC_F_WRITE, 0);
	} else if (req_len) {
		put_desc(&t->g, desc, 0, REQ_GPA, req_len, 0, 0);
	} else {
		put_desc(&t->g, desc, 0, RESP_GPA, resp_len, VRING_DESC_F_WRITE, 0);
	}
	offer_and_kick(t, VIRTIO_SND_VQ_CONTROL);
	return get32(&t->g, RESP_GPA);
}

static uint32_t query(struct tb *t, uint32_t code, uint32_t start, uint32_t count, uint32_t size,
		      uint32_t resp_len)
{
	put32(t, REQ_GPA, code);
	put32(t, REQ_GPA + 4, start);
	put32(t, REQ_GPA + 8, count);
	put32(t, REQ_GPA + 12, size);
	return control(t, 16, resp_len);
}

static uint32_t pcm(struct tb *t, uint32_t code, uint32_t stream)
{
	put32(t, REQ_GPA, code);
	put32(t, REQ_GPA + 4, stream);
	return control(t, 8, 4);
}

struct params {
	uint32_t stream, buffer, period, features;
	uint8_t channels, format, rate;
};

/* Stereo S16 at 48 kHz, 4 periods of 10 ms: what a driver asks for. */
static const struct params good = { 0, 4 * 1920, 1920, 0, 2, VIRTIO_SND_PCM_FMT_S16,
				    VIRTIO_SND_PCM_RATE_48000 };

static uint32_t set_params(struct tb *t, const struct params *p)
{
	uint8_t *b = gpa_ptr(&t->g, REQ_GPA + 20);

	put32(t, REQ_GPA, VIRTIO_SND_R_PCM_SET_PARAMS);
	put32(t, REQ_GPA + 4, p->stream);
	put32(t, REQ_GPA + 8, p->buffer);
	put32(t, REQ_GPA + 12, p->period);
	put32(t, REQ_GPA + 16, p->features);
	b[0] = p->channels;
	b[1] = p->format;
	b[2] = p->rate;
	b[3] = 0;
	return control(t, 24, 4);
}

/* One element of @p changed. */
static uint32_t set_params_with(struct tb *t, void (*change)(struct params *p))
{
	struct params p = good;

	change(&p);
	return set_params(t, &p);
}

/*
 * An I/O message on queue @q: the xfer header for @stream, @len bytes of
 * data (readable for tx, writable for rx), then @status_len writable bytes
 * for the status.  The status read back.
 */
static uint32_t io(struct tb *t, unsigned int q, uint32_t stream, uint32_t len,
		   uint32_t status_len)
{
	uint64_t desc = t->r[q].desc;
	uint16_t i = 0;

	put32(t, REQ_GPA, stream);
	memset(gpa_ptr(&t->g, PCM_STATUS_GPA), 0xee, 16);
	put_desc(&t->g, desc, i, REQ_GPA, 4, VRING_DESC_F_NEXT, (uint16_t)(i + 1));
	i++;
	if (len) {
		put_desc(&t->g, desc, i, DATA_GPA, len, VRING_DESC_F_NEXT |
			 (q == VIRTIO_SND_VQ_RX ? VRING_DESC_F_WRITE : 0), (uint16_t)(i + 1));
		i++;
	}
	if (status_len)
		put_desc(&t->g, desc, i, PCM_STATUS_GPA, status_len, VRING_DESC_F_WRITE, 0);
	else	/* end the chain at the last descriptor */
		put16(&t->g, desc + 16ull * (i - 1) + 12,
		      get16(&t->g, desc + 16ull * (i - 1) + 12) & ~VRING_DESC_F_NEXT);
	offer_and_kick(t, q);
	return get32(&t->g, PCM_STATUS_GPA);
}

static uint32_t cfg_word(struct tb *t, unsigned int off)
{
	return (uint32_t)bar_rd(&t->s.vp, 0, VIRTIO_PCI_DEVICE + off, 4);
}

static void test_config(void)
{
	struct tb t;

	ok(tb_init(&t), "config: a device set up, all four queues enabled");
	ok(cfg_word(&t, 0) == 0, "config: jacks at 0 reads 0");
	ok(cfg_word(&t, 4) == 1, "config: streams at 4 reads 1");
	ok(cfg_word(&t, 8) == 0, "config: chmaps at 8 reads 0");
	ok(cfg_word(&t, 12) == 0, "config: `controls` (no F_CTLS) is past the config, reads 0");
	bar_wr(&t.s.vp, 0, VIRTIO_PCI_DEVICE + 4, 7, 4);
	ok(cfg_word(&t, 4) == 1, "config: read-only, a streams write changes nothing");
	ok(bar_rd(&t.s.vp, 0, VIRTIO_PCI_DEVICE + 4, 1) == 1 &&
	   bar_rd(&t.s.vp, 0, VIRTIO_PCI_DEVICE + 4, 2) == 1,
	   "config: byte and halfword reads of streams");
	tb_destroy(&t);
}

static void test_pci_identity(void)
{
	struct tb t;
	uint64_t features;

	ok(tb_init(&t), "pci: a device set up");
	ok(cfg_rd(&t.s.vp.pci, PCI_VENDOR_ID, 2) == 0x1af4 &&
	   cfg_rd(&t.s.vp.pci, PCI_DEVICE_ID, 2) == 0x1040 + VIRTIO_ID_SOUND,
	   "pci: 1af4:1059, the modern virtio-sound id");
	ok(cfg_rd(&t.s.vp.pci, PCI_REVISION_ID, 4) >> 8 == 0x040100,
	   "pci: class 04:01:00, multimedia audio");
	ok(bar_rd(&t.s.vp, 0, VIRTIO_CC_NUMQ, 2) == 4, "pci: four queues");
	bar_wr(&t.s.vp, 0, VIRTIO_CC_Q_SELECT, VIRTIO_SND_VQ_RX, 2);
	ok(bar_rd(&t.s.vp, 0, VIRTIO_CC_Q_SIZE, 2) == QSIZE, "pci: rxq offered at 256 entries");
	bar_wr(&t.s.vp, 0, VIRTIO_CC_DFSELECT, 0, 4);
	features = bar_rd(&t.s.vp, 0, VIRTIO_CC_DF, 4);
	bar_wr(&t.s.vp, 0, VIRTIO_CC_DFSELECT, 1, 4);
	features |= bar_rd(&t.s.vp, 0, VIRTIO_CC_DF, 4) << 32;
	ok(features == (VIRTIO_F_VERSION_1 | VIRTIO_F_RING_INDIRECT_DESC | VIRTIO_F_RING_EVENT_IDX),
	   "pci: features VERSION_1, INDIRECT_DESC and EVENT_IDX only (no F_CTLS)");
	tb_destroy(&t);
}

static uint8_t resp_byte(struct tb *t, unsigned int off)
{
	return *gpa_ptr(&t->g, RESP_GPA + off);
}

static uint64_t resp64(struct tb *t, unsigned int off)
{
	uint64_t v;

	memcpy(&v, gpa_ptr(&t->g, RESP_GPA + off), 8);
	return v;
}

static bool resp_untouched(struct tb *t, unsigned int from, unsigned int to)
{
	unsigned int i;

	for (i = from; i < to; i++)
		if (resp_byte(t, i) != 0xee)
			return false;
	return true;
}

static bool resp_zero(struct tb *t, unsigned int from, unsigned int to)
{
	unsigned int i;

	for (i = from; i < to; i++)
		if (resp_byte(t, i))
			return false;
	return true;
}

static void test_pcm_info(void)
{
	struct tb t;

	ok(tb_init(&t), "pcm info: a device set up");
	ok(query(&t, VIRTIO_SND_R_PCM_INFO, 0, 1, PCM_INFO_SIZE, 4 + PCM_INFO_SIZE) ==
	   VIRTIO_SND_S_OK, "pcm info: stream 0 answered OK");
	ok(t.used && t.used_len == 4 + PCM_INFO_SIZE,
	   "pcm info: used length is the status plus one 32-byte info");
	ok(get32(&t.g, RESP_GPA + 4) == 0 && get32(&t.g, RESP_GPA + 8) == 0,
	   "pcm info: hda_fn_nid 0, no features");
	ok(resp64(&t, 12) == (1ull << 3 | 1ull << 4 | 1ull << 5 | 1ull << 6 | 1ull << 17 |
			      1ull << 18 | 1ull << 19),
	   "pcm info: formats S8 U8 S16 U16 S32 U32 FLOAT");
	ok(resp64(&t, 20) == 0x3fff, "pcm info: rates 5512 Hz to 384 kHz, all of 1.2's");
	ok(resp_byte(&t, 28) == VIRTIO_SND_D_OUTPUT, "pcm info: direction output");
	ok(resp_byte(&t, 29) == 1 && resp_byte(&t, 30) == 2, "pcm info: 1 to 2 channels");
	ok(resp_zero(&t, 31, 36), "pcm info: the padding is zeroed");
	ok(resp_untouched(&t, 36, 0x100), "pcm info: nothing written past the info");
	tb_destroy(&t);
}

static void test_info_sizes(void)
{
	struct tb t;

	ok(tb_init(&t), "info size: a device set up");
	ok(query(&t, VIRTIO_SND_R_PCM_INFO, 0, 1, 16, 4 + 16) == VIRTIO_SND_S_OK &&
	   t.used_len == 4 + 16 && resp64(&t, 12) != 0 && resp_untouched(&t, 20, 0x100),
	   "info size: a driver's 16-byte info gets the first 16 bytes");
	ok(query(&t, VIRTIO_SND_R_PCM_INFO, 0, 1, 40, 4 + 40) == VIRTIO_SND_S_OK &&
	   t.used_len == 4 + 40 && resp_byte(&t, 30) == 2 && resp_zero(&t, 31, 44) &&
	   resp_untouched(&t, 44, 0x100),
	   "info size: a driver's 40-byte info gets ours zero-padded");
	ok(query(&t, VIRTIO_SND_R_PCM_INFO, 0, 1, PCM_INFO_SIZE, 4 + PCM_INFO_SIZE - 1) ==
	   VIRTIO_SND_S_BAD_MSG && t.used_len == 4 && resp_untouched(&t, 4, 0x100),
	   "info size: a response buffer a byte short: BAD_MSG, nothing but the status");
	ok(query(&t, VIRTIO_SND_R_PCM_INFO, 0, 1, 0x10000, 0x100) == VIRTIO_SND_S_BAD_MSG,
	   "info size: a 64 KiB item size: BAD_MSG");
	tb_destroy(&t);
}

static void test_empty_info(void)
{
	struct tb t;

	ok(tb_init(&t), "empty info: a device set up");
	ok(query(&t, VIRTIO_SND_R_JACK_INFO, 0, 0, 24, 4) == VIRTIO_SND_S_OK && t.used &&
	   t.used_len == 4, "empty info: JACK_INFO of 0 jacks: OK, just the status");
	ok(query(&t, VIRTIO_SND_R_CHMAP_INFO, 0, 0, 24, 4) == VIRTIO_SND_S_OK && t.used &&
	   t.used_len == 4, "empty info: CHMAP_INFO of 0 chmaps: OK, just the status");
	ok(query(&t, VIRTIO_SND_R_JACK_INFO, 0, 0, 24, 0x40) == VIRTIO_SND_S_OK &&
	   t.used_len == 4 && resp_untouched(&t, 4, 0x100),
	   "empty info: a larger buffer for an empty answer is left alone");
	ok(query(&t, VIRTIO_SND_R_PCM_INFO, 1, 0, PCM_INFO_SIZE, 4) == VIRTIO_SND_S_OK &&
	   t.used_len == 4, "empty info: PCM_INFO of 0 from the end (start 1): OK");
	tb_destroy(&t);
}

static void test_info_out_of_range(void)
{
	struct tb t;

	ok(tb_init(&t), "info range: a device set up");
	ok(query(&t, VIRTIO_SND_R_JACK_INFO, 0, 1, 24, 4 + 24) == VIRTIO_SND_S_BAD_MSG &&
	   t.used_len == 4, "info range: jack 0 of 0: BAD_MSG, just the status");
	ok(query(&t, VIRTIO_SND_R_CHMAP_INFO, 0, 1, 24, 4 + 24) == VIRTIO_SND_S_BAD_MSG,
	   "info range: chmap 0 of 0: BAD_MSG");
	ok(query(&t, VIRTIO_SND_R_PCM_INFO, 1, 1, PCM_INFO_SIZE, 0x100) == VIRTIO_SND_S_BAD_MSG,
	   "info range: stream 1 of 1: BAD_MSG");
	ok(query(&t, VIRTIO_SND_R_PCM_INFO, 0, 2, PCM_INFO_SIZE, 0x100) == VIRTIO_SND_S_BAD_MSG,
	   "info range: streams 0-1 of 1: BAD_MSG");
	ok(query(&t, VIRTIO_SND_R_PCM_INFO, 0xffffffff, 2, PCM_INFO_SIZE, 0x100) ==
	   VIRTIO_SND_S_BAD_MSG, "info range: start_id + count wrapping 2^32: BAD_MSG");
	ok(query(&t, VIRTIO_SND_R_JACK_INFO, 1, 0, 24, 4) == VIRTIO_SND_S_BAD_MSG,
	   "info range: an empty range starting past the end: BAD_MSG");
	ok(resp_untouched(&t, 4, 0x100), "info range: no info written for a refused query");
	tb_destroy(&t);
}

static void test_unknown_request(void)
{
	struct tb t;

	ok(tb_init(&t), "unknown: a device set up");
	put32(&t, REQ_GPA, CTL_INFO);
	memset(gpa_ptr(&t.g, REQ_GPA + 4), 0, 12);
	ok(control(&t, 16, 0x40) == VIRTIO_SND_S_NOT_SUPP && t.used_len == 4,
	   "unknown: CTL_INFO (F_CTLS not offered): NOT_SUPP, just the status");
	put32(&t, REQ_GPA, 0);
	ok(control(&t, 4, 4) == VIRTIO_SND_S_NOT_SUPP, "unknown: code 0: NOT_SUPP");
	put32(&t, REQ_GPA, VIRTIO_SND_S_OK);
	ok(control(&t, 4, 4) == VIRTIO_SND_S_NOT_SUPP, "unknown: a status code as request: NOT_SUPP");
	put32(&t, REQ_GPA, 0x1100);	/* PCM_PERIOD_ELAPSED, an event */
	ok(control(&t, 8, 4) == VIRTIO_SND_S_NOT_SUPP, "unknown: an event code: NOT_SUPP");
	tb_destroy(&t);
}

static void test_short_requests(void)
{
	struct tb t;

	ok(tb_init(&t), "short: a device set up");
	put32(&t, REQ_GPA, VIRTIO_SND_R_PCM_INFO);
	ok(control(&t, 2, 4) == VIRTIO_SND_S_BAD_MSG && t.used && t.used_len == 4,
	   "short: a 2-byte header: BAD_MSG");
	ok(control(&t, 0, 4) == VIRTIO_SND_S_BAD_MSG && t.used,
	   "short: no readable part at all: BAD_MSG");
	ok(control(&t, 12, 0x40) == VIRTIO_SND_S_BAD_MSG && t.used_len == 4,
	   "short: a 12-byte query (16 needed): BAD_MSG");
	put32(&t, REQ_GPA, VIRTIO_SND_R_PCM_PREPARE);
	ok(control(&t, 4, 4) == VIRTIO_SND_S_BAD_MSG, "short: PREPARE without its stream_id: BAD_MSG");
	put32(&t, REQ_GPA, VIRTIO_SND_R_PCM_SET_PARAMS);
	ok(control(&t, 20, 4) == VIRTIO_SND_S_BAD_MSG, "short: a 20-byte SET_PARAMS: BAD_MSG");
	put32(&t, REQ_GPA, VIRTIO_SND_R_JACK_REMAP);
	ok(control(&t, 12, 4) == VIRTIO_SND_S_BAD_MSG, "short: a 12-byte JACK_REMAP: BAD_MSG");
	ok(!(vp_status(&t.s.vp) & VIRTIO_STATUS_NEEDS_RESET),
	   "short: malformed requests do not break the device");
	tb_destroy(&t);
}

static void test_split_request(void)
{
	uint64_t desc;
	struct tb t;

	ok(tb_init(&t), "split: a device set up");
	desc = t.r[VIRTIO_SND_VQ_CONTROL].desc;
	put32(&t, REQ_GPA, VIRTIO_SND_R_PCM_INFO);
	put32(&t, REQ_GPA + 4, 0);
	put32(&t, REQ_GPA + 8, 1);
	put32(&t, REQ_GPA + 12, PCM_INFO_SIZE);
	memset(gpa_ptr(&t.g, RESP_GPA), 0xee, 0x100);
	/* The query in 6 + 10 bytes; the response in 2 + 34 bytes, status split too. */
	put_desc(&t.g, desc, 0, REQ_GPA, 6, VRING_DESC_F_NEXT, 1);
	put_desc(&t.g, desc, 1, REQ_GPA + 6, 10, VRING_DESC_F_NEXT, 2);
	put_desc(&t.g, desc, 2, RESP_GPA, 2, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 3);
	put_desc(&t.g, desc, 3, RESP_GPA + 2, 34, VRING_DESC_F_WRITE, 0);
	offer_and_kick(&t, VIRTIO_SND_VQ_CONTROL);
	ok(get32(&t.g, RESP_GPA) == VIRTIO_SND_S_OK && t.used_len == 36 &&
	   resp_byte(&t, 30) == 2, "split: a query and its response over descriptors");
	tb_destroy(&t);
}

static void test_no_room_for_status(void)
{
	struct tb t;
	uint64_t bad0;

	ok(tb_init(&t), "no room: a device set up");
	bad0 = t.s.bad_requests;
	put32(&t, REQ_GPA, VIRTIO_SND_R_PCM_INFO);
	ok(control(&t, 16, 2) == UNTOUCHED && t.used && t.used_len == 0,
	   "no room: a 2-byte response buffer: used, 0 bytes, nothing written");
	ok(control(&t, 16, 0) == UNTOUCHED && t.used && t.used_len == 0,
	   "no room: no writable part: used, 0 bytes");
	ok(t.s.bad_requests == bad0 + 2, "no room: both counted as bad requests");
	ok(!(vp_status(&t.s.vp) & VIRTIO_STATUS_NEEDS_RESET), "no room: the device is fine");
	ok(query(&t, VIRTIO_SND_R_PCM_INFO, 0, 1, PCM_INFO_SIZE, 4 + PCM_INFO_SIZE) ==
	   VIRTIO_SND_S_OK, "no room: the next request is answered");
	tb_destroy(&t);
}

static void test_jack_remap(void)
{
	struct tb t;

	ok(tb_init(&t), "remap: a device set up");
	put32(&t, REQ_GPA, VIRTIO_SND_R_JACK_REMAP);
	memset(gpa_ptr(&t.g, REQ_GPA + 4), 0, 12);
	ok(control(&t, 16, 4) == VIRTIO_SND_S_NOT_SUPP && t.used_len == 4,
	   "remap: JACK_REMAP with no jacks: NOT_SUPP");
	tb_destroy(&t);
}

static void rate_12000(struct params *p)
{
	p->rate = RATE_12000;
}
static void rate_undefined(struct params *p)
{
	p->rate = 200;
}
static void format_s24(struct params *p)
{
	p->format = FMT_S24;
}
static void format_undefined(struct params *p)
{
	p->format = 64;
}
static void channels_0(struct params *p)
{
	p->channels = 0;
}
static void channels_3(struct params *p)
{
	p->channels = 3;
}
static void feature_polling(struct params *p)
{
	p->features = 1u << 2;
}
static void buffer_0(struct params *p)
{
	p->buffer = 0;
}
static void period_0(struct params *p)
{
	p->period = 0;
}
static void stream_1(struct params *p)
{
	p->stream = 1;
}
static void mono_44k(struct params *p)
{
	p->channels = 1;
	p->rate = VIRTIO_SND_PCM_RATE_44100;
	p->format = VIRTIO_SND_PCM_FMT_FLOAT;
}

static void test_set_params(void)
{
	static const struct {
		const char *name;
		void (*change)(struct params *p);
		uint32_t status;
	} cases[] = {
		{ "a rate not offered (12 kHz)", rate_12000, VIRTIO_SND_S_NOT_SUPP },
		{ "an undefined rate (200)", rate_undefined, VIRTIO_SND_S_NOT_SUPP },
		{ "a format not offered (S24)", format_s24, VIRTIO_SND_S_NOT_SUPP },
		{ "an undefined format (64)", format_undefined, VIRTIO_SND_S_NOT_SUPP },
		{ "0 channels", channels_0, VIRTIO_SND_S_NOT_SUPP },
		{ "3 channels", channels_3, VIRTIO_SND_S_NOT_SUPP },
		{ "a feature not offered (MSG_POLLING)", feature_polling, VIRTIO_SND_S_NOT_SUPP },
		{ "buffer_bytes 0", buffer_0, VIRTIO_SND_S_BAD_MSG },
		{ "period_bytes 0", period_0, VIRTIO_SND_S_BAD_MSG },
		{ "stream 1 of 1", stream_1, VIRTIO_SND_S_BAD_MSG },
	};
	struct tb t;
	unsigned int i;

	ok(tb_init(&t), "params: a device set up");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t st = set_params_with(&t, cases[i].change);

		ok(st == cases[i].status && t.used_len == 4, "params: %s: %s (got %#x)",
		   cases[i].name, cases[i].status == VIRTIO_SND_S_OK ? "OK" :
		   cases[i].status == VIRTIO_SND_S_BAD_MSG ? "BAD_MSG" : "NOT_SUPP", st);
	}
	ok(t.s.stream[0].state == VIRTIO_SND_PCM_IDLE, "params: refused, the stream stays idle");
	ok(pcm(&t, VIRTIO_SND_R_PCM_PREPARE, 0) == VIRTIO_SND_S_BAD_MSG,
	   "params: and PREPARE without parameters is BAD_MSG");
	ok(set_params(&t, &good) == VIRTIO_SND_S_OK, "params: stereo S16 at 48 kHz: OK");
	ok(t.s.stream[0].state == VIRTIO_SND_PCM_PARAMS && t.s.stream[0].channels == 2 &&
	   t.s.stream[0].format == VIRTIO_SND_PCM_FMT_S16 &&
	   t.s.stream[0].rate == VIRTIO_SND_PCM_RATE_48000 &&
	   t.s.stream[0].buffer_bytes == 4 * 1920 && t.s.stream[0].period_bytes == 1920,
	   "params: the stream holds them");
	ok(set_params_with(&t, mono_44k) == VIRTIO_SND_S_OK && t.s.stream[0].channels == 1 &&
	   t.s.stream[0].rate == VIRTIO_SND_PCM_RATE_44100,
	   "params: set again (mono float at 44.1 kHz): OK, replaced");
	ok(set_params_with(&t, rate_12000) == VIRTIO_SND_S_NOT_SUPP &&
	   t.s.stream[0].rate == VIRTIO_SND_PCM_RATE_44100,
	   "params: a refused set keeps the previous parameters");
	tb_destroy(&t);
}

static void test_lifecycle(void)
{
	static const struct {
		const char *name;
		uint32_t code;	/* 0: SET_PARAMS with good parameters */
		uint32_t status;
		enum virtio_sound_pcm_state after;
	} steps[] = {
		{ "START before anything", VIRTIO_SND_R_PCM_START, VIRTIO_SND_S_BAD_MSG,
		  VIRTIO_SND_PCM_IDLE },
		{ "RELEASE before anything", VIRTIO_SND_R_PCM_RELEASE, VIRTIO_SND_S_BAD_MSG,
		  VIRTIO_SND_PCM_IDLE },
		{ "SET_PARAMS", 0, VIRTIO_SND_S_OK, VIRTIO_SND_PCM_PARAMS },
		{ "START before PREPARE", VIRTIO_SND_R_PCM_START, VIRTIO_SND_S_BAD_MSG,
		  VIRTIO_SND_PCM_PARAMS },
		{ "PREPARE", VIRTIO_SND_R_PCM_PREPARE, VIRTIO_SND_S_OK, VIRTIO_SND_PCM_PREPARED },
		{ "PREPARE again", VIRTIO_SND_R_PCM_PREPARE, VIRTIO_SND_S_OK,
		  VIRTIO_SND_PCM_PREPARED },
		{ "STOP while prepared", VIRTIO_SND_R_PCM_STOP, VIRTIO_SND_S_BAD_MSG,
		  VIRTIO_SND_PCM_PREPARED },
		{ "START", VIRTIO_SND_R_PCM_START, VIRTIO_SND_S_OK, VIRTIO_SND_PCM_RUNNING },
		{ "START while running", VIRTIO_SND_R_PCM_START, VIRTIO_SND_S_BAD_MSG,
		  VIRTIO_SND_PCM_RUNNING },
		{ "SET_PARAMS while running", 0, VIRTIO_SND_S_BAD_MSG, VIRTIO_SND_PCM_RUNNING },
		{ "PREPARE while running", VIRTIO_SND_R_PCM_PREPARE, VIRTIO_SND_S_BAD_MSG,
		  VIRTIO_SND_PCM_RUNNING },
		{ "RELEASE while running", VIRTIO_SND_R_PCM_RELEASE, VIRTIO_SND_S_BAD_MSG,
		  VIRTIO_SND_PCM_RUNNING },
		{ "STOP", VIRTIO_SND_R_PCM_STOP, VIRTIO_SND_S_OK, VIRTIO_SND_PCM_STOPPED },
		{ "STOP again", VIRTIO_SND_R_PCM_STOP, VIRTIO_SND_S_BAD_MSG,
		  VIRTIO_SND_PCM_STOPPED },
		{ "START after STOP", VIRTIO_SND_R_PCM_START, VIRTIO_SND_S_OK,
		  VIRTIO_SND_PCM_RUNNING },
		{ "STOP", VIRTIO_SND_R_PCM_STOP, VIRTIO_SND_S_OK, VIRTIO_SND_PCM_STOPPED },
		{ "RELEASE", VIRTIO_SND_R_PCM_RELEASE, VIRTIO_SND_S_OK, VIRTIO_SND_PCM_RELEASED },
		{ "RELEASE again", VIRTIO_SND_R_PCM_RELEASE, VIRTIO_SND_S_BAD_MSG,
		  VIRTIO_SND_PCM_RELEASED },
		{ "START after RELEASE", VIRTIO_SND_R_PCM_START, VIRTIO_SND_S_BAD_MSG,
		  VIRTIO_SND_PCM_RELEASED },
		{ "PREPARE after RELEASE", VIRTIO_SND_R_PCM_PREPARE, VIRTIO_SND_S_OK,
		  VIRTIO_SND_PCM_PREPARED },
		{ "RELEASE from prepared", VIRTIO_SND_R_PCM_RELEASE, VIRTIO_SND_S_OK,
		  VIRTIO_SND_PCM_RELEASED },
		{ "SET_PARAMS after RELEASE", 0, VIRTIO_SND_S_OK, VIRTIO_SND_PCM_PARAMS },
	};
	struct tb t;
	unsigned int i;

	ok(tb_init(&t), "lifecycle: a device set up");
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		uint32_t st = steps[i].code ? pcm(&t, steps[i].code, 0) : set_params(&t, &good);

		ok(st == steps[i].status && t.used_len == 4 &&
		   t.s.stream[0].state == steps[i].after, "lifecycle %u: %s: %s", i, steps[i].name,
		   steps[i].status == VIRTIO_SND_S_OK ? "OK" : "BAD_MSG");
	}
	ok(pcm(&t, VIRTIO_SND_R_PCM_PREPARE, 1) == VIRTIO_SND_S_BAD_MSG,
	   "lifecycle: PREPARE of stream 1 of 1: BAD_MSG");
	ok(pcm(&t, VIRTIO_SND_R_PCM_START, 0xffffffff) == VIRTIO_SND_S_BAD_MSG,
	   "lifecycle: START of stream 2^32-1: BAD_MSG");
	tb_destroy(&t);
}

static void test_reset(void)
{
	struct tb t;

	ok(tb_init(&t), "reset: a device set up");
	ok(set_params(&t, &good) == VIRTIO_SND_S_OK &&
	   pcm(&t, VIRTIO_SND_R_PCM_PREPARE, 0) == VIRTIO_SND_S_OK &&
	   pcm(&t, VIRTIO_SND_R_PCM_START, 0) == VIRTIO_SND_S_OK, "reset: a stream running");
	ok(setup(&t) && t.s.stream[0].state == VIRTIO_SND_PCM_IDLE,
	   "reset: after the driver's reset the stream is idle");
	ok(pcm(&t, VIRTIO_SND_R_PCM_START, 0) == VIRTIO_SND_S_BAD_MSG,
	   "reset: and START needs parameters and PREPARE again");
	tb_destroy(&t);
}

static bool data_is(struct tb *t, uint8_t v, uint32_t len)
{
	const uint8_t *d = gpa_ptr(&t->g, DATA_GPA);
	uint32_t i;

	for (i = 0; i < len; i++)
		if (d[i] != v)
			return false;
	return true;
}

static void test_tx(void)
{
	uint64_t bytes0, desc;
	struct tb t;

	ok(tb_init(&t), "tx: a device set up");
	ok(set_params(&t, &good) == VIRTIO_SND_S_OK &&
	   pcm(&t, VIRTIO_SND_R_PCM_PREPARE, 0) == VIRTIO_SND_S_OK &&
	   pcm(&t, VIRTIO_SND_R_PCM_START, 0) == VIRTIO_SND_S_OK, "tx: stream 0 running");
	memset(gpa_ptr(&t.g, DATA_GPA), 0x5a, 1920);
	bytes0 = t.s.bytes_discarded;
	ok(io(&t, VIRTIO_SND_VQ_TX, 0, 1920, 8) == VIRTIO_SND_S_OK,
	   "tx: a period of output: status OK");
	ok(t.used && t.used_len == 8, "tx: used length is the 8-byte status");
	ok(get32(&t.g, PCM_STATUS_GPA + 4) == 0, "tx: latency_bytes 0 (nothing held)");
	ok(t.s.bytes_discarded == bytes0 + 1920, "tx: the 1920 data bytes counted as discarded");
	ok(data_is(&t, 0x5a, 1920), "tx: the guest's data is not written to");
	ok(get32(&t.g, PCM_STATUS_GPA + 8) == UNTOUCHED, "tx: nothing written past the status");

	/* Header and data in one descriptor, data split in two, status by itself. */
	desc = t.r[VIRTIO_SND_VQ_TX].desc;
	put32(&t, DATA_GPA, 0);
	put_desc(&t.g, desc, 0, DATA_GPA, 4 + 100, VRING_DESC_F_NEXT, 1);
	put_desc(&t.g, desc, 1, DATA_GPA + 0x1000, 300, VRING_DESC_F_NEXT, 2);
	put_desc(&t.g, desc, 2, PCM_STATUS_GPA, 8, VRING_DESC_F_WRITE, 0);
	memset(gpa_ptr(&t.g, PCM_STATUS_GPA), 0xee, 8);
	bytes0 = t.s.bytes_discarded;
	offer_and_kick(&t, VIRTIO_SND_VQ_TX);
	ok(get32(&t.g, PCM_STATUS_GPA) == VIRTIO_SND_S_OK && t.used_len == 8 &&
	   t.s.bytes_discarded == bytes0 + 400,
	   "tx: header sharing a descriptor with data, data over two: OK, 400 bytes");
	ok(io(&t, VIRTIO_SND_VQ_TX, 0, 0, 8) == VIRTIO_SND_S_OK && t.used_len == 8,
	   "tx: a message with no data: OK");
	tb_destroy(&t);
}

static void test_tx_any_state(void)
{
	struct tb t;

	ok(tb_init(&t), "tx state: a device set up");
	ok(io(&t, VIRTIO_SND_VQ_TX, 0, 64, 8) == VIRTIO_SND_S_OK && t.s.bytes_discarded == 64,
	   "tx state: output before SET_PARAMS is still taken and dropped");
	tb_destroy(&t);
}

static void test_tx_errors(void)
{
	uint64_t bytes0, err0;
	struct tb t;

	ok(tb_init(&t), "tx errors: a device set up");
	bytes0 = t.s.bytes_discarded;
	err0 = t.s.xfer_errors;
	ok(io(&t, VIRTIO_SND_VQ_TX, 1, 64, 8) == VIRTIO_SND_S_IO_ERR && t.used_len == 8,
	   "tx errors: stream 1 of 1: IO_ERR");
	put_desc(&t.g, t.r[VIRTIO_SND_VQ_TX].desc, 0, REQ_GPA, 2, VRING_DESC_F_NEXT, 1);
	put_desc(&t.g, t.r[VIRTIO_SND_VQ_TX].desc, 1, PCM_STATUS_GPA, 8, VRING_DESC_F_WRITE, 0);
	memset(gpa_ptr(&t.g, PCM_STATUS_GPA), 0xee, 8);
	offer_and_kick(&t, VIRTIO_SND_VQ_TX);
	ok(get32(&t.g, PCM_STATUS_GPA) == VIRTIO_SND_S_IO_ERR && t.used_len == 8,
	   "tx errors: a 2-byte xfer header: IO_ERR");
	ok(io(&t, VIRTIO_SND_VQ_TX, 0, 64, 4) == UNTOUCHED && t.used && t.used_len == 0,
	   "tx errors: a 4-byte status buffer: used, 0 bytes, nothing written");
	ok(io(&t, VIRTIO_SND_VQ_TX, 0, 64, 0) == UNTOUCHED && t.used && t.used_len == 0,
	   "tx errors: no writable part: used, 0 bytes");
	ok(t.s.bytes_discarded == bytes0, "tx errors: no byte counted for refused messages");
	ok(t.s.xfer_errors == err0 + 4, "tx errors: all four counted as errors");
	ok(!(vp_status(&t.s.vp) & VIRTIO_STATUS_NEEDS_RESET), "tx errors: the device is fine");
	ok(io(&t, VIRTIO_SND_VQ_TX, 0, 64, 8) == VIRTIO_SND_S_OK, "tx errors: then output works");
	tb_destroy(&t);
}

static void test_rx(void)
{
	struct tb t;

	ok(tb_init(&t), "rx: a device set up");
	memset(gpa_ptr(&t.g, DATA_GPA), 0x5a, 256);
	ok(io(&t, VIRTIO_SND_VQ_RX, 0, 256, 8) == VIRTIO_SND_S_IO_ERR,
	   "rx: input from stream 0 (an output): IO_ERR");
	ok(t.used && t.used_len == 8, "rx: used length 8: the status, no frames");
	ok(data_is(&t, 0x5a, 256), "rx: the buffer is not written");
	ok(io(&t, VIRTIO_SND_VQ_TX, 0, 0, 8) == VIRTIO_SND_S_OK,
	   "rx: (the tx queue is unaffected)");
	tb_destroy(&t);
}

static void test_eventq(void)
{
	uint64_t desc;
	struct tb t;

	ok(tb_init(&t), "event: a device set up");
	desc = t.r[VIRTIO_SND_VQ_EVENT].desc;
	put_desc(&t.g, desc, 0, RESP_GPA, 8, VRING_DESC_F_WRITE, 0);
	memset(gpa_ptr(&t.g, RESP_GPA), 0xee, 8);
	offer_and_kick(&t, VIRTIO_SND_VQ_EVENT);
	ok(!t.used && used_idx(&t, VIRTIO_SND_VQ_EVENT) == 0 && resp_untouched(&t, 0, 8),
	   "event: an event buffer stays with the device, untouched");
	ok(bar_rd(&t.s.vp, 0, VIRTIO_PCI_ISR, 1) == 0, "event: and no interrupt");
	tb_destroy(&t);
}

/* RELEASE completes only after the output waiting in the tx queue (§5.14.6.6.5.1). */
#define NWAITING	100

static void test_release_drains_tx(void)
{
	uint64_t desc, bytes0;
	struct tb t;
	unsigned int i, ok_status = 0;

	ok(tb_init(&t), "drain: a device set up");
	ok(set_params(&t, &good) == VIRTIO_SND_S_OK &&
	   pcm(&t, VIRTIO_SND_R_PCM_PREPARE, 0) == VIRTIO_SND_S_OK &&
	   pcm(&t, VIRTIO_SND_R_PCM_START, 0) == VIRTIO_SND_S_OK &&
	   pcm(&t, VIRTIO_SND_R_PCM_STOP, 0) == VIRTIO_SND_S_OK, "drain: a stream stopped");
	desc = t.r[VIRTIO_SND_VQ_TX].desc;
	for (i = 0; i < NWAITING; i++) {
		put32(&t, MANY_GPA(i), 0);
		memset(gpa_ptr(&t.g, MANY_GPA(i) + 0x100), 0xee, 8);
		put_desc(&t.g, desc, (uint16_t)(2 * i), MANY_GPA(i), 4 + 128, VRING_DESC_F_NEXT,
			 (uint16_t)(2 * i + 1));
		put_desc(&t.g, desc, (uint16_t)(2 * i + 1), MANY_GPA(i) + 0x100, 8,
			 VRING_DESC_F_WRITE, 0);
		offer(&t, VIRTIO_SND_VQ_TX, (uint16_t)(2 * i));
	}
	bytes0 = t.s.bytes_discarded;
	ok(pcm(&t, VIRTIO_SND_R_PCM_RELEASE, 0) == VIRTIO_SND_S_OK &&
	   t.s.stream[0].state == VIRTIO_SND_PCM_RELEASED, "drain: RELEASE with %u waiting: OK",
	   NWAITING);
	ok(used_idx(&t, VIRTIO_SND_VQ_TX) == NWAITING,
	   "drain: all %u tx messages were handed back by then (more than a batch)", NWAITING);
	for (i = 0; i < NWAITING; i++)
		ok_status += get32(&t.g, MANY_GPA(i) + 0x100) == VIRTIO_SND_S_OK &&
			     used_id(&t, VIRTIO_SND_VQ_TX, (uint16_t)i) == 2 * i;
	ok(ok_status == NWAITING, "drain: each OK, in order");
	ok(t.s.bytes_discarded == bytes0 + 128 * NWAITING, "drain: their bytes counted");
	tb_destroy(&t);
}

static void test_stats(void)
{
	struct tb t;

	ok(tb_init(&t), "stats: a device set up");
	ok(t.s.requests == 0 && t.s.bad_requests == 0 && t.s.xfers == 0 &&
	   t.s.xfer_errors == 0 && t.s.bytes_discarded == 0, "stats: all zero at start");
	(void)query(&t, VIRTIO_SND_R_PCM_INFO, 0, 1, PCM_INFO_SIZE, 4 + PCM_INFO_SIZE);
	(void)query(&t, VIRTIO_SND_R_JACK_INFO, 0, 1, 24, 4 + 24);
	(void)pcm(&t, 0x4242, 0);
	ok(t.s.requests == 3 && t.s.bad_requests == 2,
	   "stats: 3 requests, the 2 not answered OK counted as bad");
	(void)io(&t, VIRTIO_SND_VQ_TX, 0, 1000, 8);
	(void)io(&t, VIRTIO_SND_VQ_RX, 0, 1000, 8);
	ok(t.s.xfers == 2 && t.s.xfer_errors == 1 && t.s.bytes_discarded == 1000,
	   "stats: 2 I/O messages, 1 failed, 1000 bytes discarded");
	tb_destroy(&t);
}

static void test_before_driver_ok(void)
{
	struct tb t;

	ok(tb_init(&t), "driver ok: a device set up");
	bar_wr(&t.s.vp, 0, VIRTIO_CC_STATUS, 0, 1);
	(void)driver_features(&t.s.vp, VIRTIO_F_VERSION_1);
	ok(queue_up(&t, VIRTIO_SND_VQ_CONTROL, QSIZE), "driver ok: the control queue set up again");
	ok(query(&t, VIRTIO_SND_R_PCM_INFO, 0, 1, PCM_INFO_SIZE, 4 + PCM_INFO_SIZE) ==
	   UNTOUCHED && !t.used, "driver ok: before DRIVER_OK a kick takes nothing");
	driver_ok(&t.s.vp);
	kick(&t, VIRTIO_SND_VQ_CONTROL);
	ok(used_idx(&t, VIRTIO_SND_VQ_CONTROL) == 1 && get32(&t.g, RESP_GPA) == VIRTIO_SND_S_OK,
	   "driver ok: after DRIVER_OK the same kick answers the waiting request");
	tb_destroy(&t);
}

static void test_broken_ring(void)
{
	uint64_t req0;
	struct tb t;

	ok(tb_init(&t), "broken: a device set up");
	req0 = t.s.requests;
	put_desc(&t.g, t.r[VIRTIO_SND_VQ_CONTROL].desc, 0, REQ_GPA, 16, VRING_DESC_F_NEXT, 0);
	offer_and_kick(&t, VIRTIO_SND_VQ_CONTROL);
	ok(vp_status(&t.s.vp) & VIRTIO_STATUS_NEEDS_RESET,
	   "broken: a looping control chain leaves the device NEEDS_RESET");
	ok(!t.used && t.s.requests == req0, "broken: nothing used, no request run");
	ok(setup(&t) && query(&t, VIRTIO_SND_R_PCM_INFO, 0, 1, PCM_INFO_SIZE,
			      4 + PCM_INFO_SIZE) == VIRTIO_SND_S_OK,
	   "broken: after reset and setup the device answers again");
	tb_destroy(&t);
}

int main(void)
{
	test_config();
	test_pci_identity();
	test_pcm_info();
	test_info_sizes();
	test_empty_info();
	test_info_out_of_range();
	test_unknown_request();
	test_short_requests();
	test_split_request();
	test_no_room_for_status();
	test_jack_remap();
	test_set_params();
	test_lifecycle();
	test_reset();
	test_tx();
	test_tx_any_state();
	test_tx_errors();
	test_rx();
	test_eventq();
	test_release_drains_tx();
	test_stats();
	test_before_driver_ok();
	test_broken_ring();
	return tap_done();
}
