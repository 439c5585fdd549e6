/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sound.h - virtio-sound (virtio 1.2 §5.14, device 25) over virtio-pci, as
 * a sink: one output stream whose audio is discarded, no input, no jacks,
 * no channel maps.  That is the configuration macOS 26 has been booted
 * with (QEMU's virtio-sound-pci with streams=1), and its AppleVirtIOSound
 * needs every info query answered OK, empty or not (peer notes §3).
 *
 * The control queue runs each request to completion with a status; the tx
 * queue takes each buffer, counts its bytes and hands it back at once; the
 * event queue's buffers are left where they are, as the device has no
 * event to post.  All on the device's own thread.
 */
#ifndef VMAPPLE_VIRTIO_SOUND_H
#define VMAPPLE_VIRTIO_SOUND_H

#include <stdint.h>

#include "pci.h"
#include "worker.h"

#define VIRTIO_ID_SOUND		25

/* Queues (§5.14.2). */
#define VIRTIO_SND_VQ_CONTROL	0
#define VIRTIO_SND_VQ_EVENT	1
#define VIRTIO_SND_VQ_TX	2
#define VIRTIO_SND_VQ_RX	3
#define VIRTIO_SND_NR_QUEUES	4

/* Request codes and status codes (§5.14.6). */
#define VIRTIO_SND_R_JACK_INFO		0x0001
#define VIRTIO_SND_R_JACK_REMAP		0x0002
#define VIRTIO_SND_R_PCM_INFO		0x0100
#define VIRTIO_SND_R_PCM_SET_PARAMS	0x0101
#define VIRTIO_SND_R_PCM_PREPARE	0x0102
#define VIRTIO_SND_R_PCM_RELEASE	0x0103
#define VIRTIO_SND_R_PCM_START		0x0104
#define VIRTIO_SND_R_PCM_STOP		0x0105
#define VIRTIO_SND_R_CHMAP_INFO		0x0200
#define VIRTIO_SND_S_OK			0x8000
#define VIRTIO_SND_S_BAD_MSG		0x8001
#define VIRTIO_SND_S_NOT_SUPP		0x8002
#define VIRTIO_SND_S_IO_ERR		0x8003

#define VIRTIO_SND_D_OUTPUT	0
#define VIRTIO_SND_D_INPUT	1

/* Sample formats and frame rates: bit numbers in the PCM info's masks. */
#define VIRTIO_SND_PCM_FMT_S8		3
#define VIRTIO_SND_PCM_FMT_U8		4
#define VIRTIO_SND_PCM_FMT_S16		5
#define VIRTIO_SND_PCM_FMT_U16		6
#define VIRTIO_SND_PCM_FMT_S32		17
#define VIRTIO_SND_PCM_FMT_U32		18
#define VIRTIO_SND_PCM_FMT_FLOAT	19
#define VIRTIO_SND_PCM_RATE_5512	0
#define VIRTIO_SND_PCM_RATE_44100	6
#define VIRTIO_SND_PCM_RATE_48000	7
#define VIRTIO_SND_PCM_RATE_384000	13

/* What the device offers (the config space). */
#define VIRTIO_SND_JACKS	0
#define VIRTIO_SND_STREAMS	1	/* stream 0: output */
#define VIRTIO_SND_CHMAPS	0

/* A stream's place in the PCM command lifecycle (§5.14.6.6.1). */
enum virtio_sound_pcm_state {
	VIRTIO_SND_PCM_IDLE = 0,	/* no parameters yet (reset) */
	VIRTIO_SND_PCM_PARAMS,
	VIRTIO_SND_PCM_PREPARED,
	VIRTIO_SND_PCM_RUNNING,
	VIRTIO_SND_PCM_STOPPED,
	VIRTIO_SND_PCM_RELEASED,
};

struct virtio_sound_stream {
	enum virtio_sound_pcm_state state;
	uint32_t buffer_bytes, period_bytes;	/* as the driver set them */
	uint8_t channels, format, rate;
};

struct virtio_sound {
	struct virtio_pci vp;
	struct virtio_worker worker;
	struct virtio_sound_stream stream[VIRTIO_SND_STREAMS];
	uint64_t requests;		/* control requests */
	uint64_t bad_requests;		/* ... not answered OK (or not answerable) */
	uint64_t xfers;			/* tx and rx I/O messages */
	uint64_t xfer_errors;		/* ... not answered OK */
	uint64_t bytes_discarded;	/* output PCM data taken and dropped */
};

/* 0 or -errno. */
int virtio_sound_init(struct virtio_sound *s, const struct virtio_host *host);
/* Queue @q was kicked: serve it now (the worker's job; tests call it directly). */
void virtio_sound_kicked(struct virtio_pci *vp, unsigned int q);
void virtio_sound_destroy(struct virtio_sound *s);

#endif
