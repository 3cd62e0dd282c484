// FFmpeg headers for Swift, plus thin `static inline` shims for what Swift cannot import:
// function-like macros (AVERROR, av_err2str) and constants defined through casts.
#ifndef KEYPRINT_CFFMPEG_SHIM_H
#define KEYPRINT_CFFMPEG_SHIM_H

#include <errno.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libavutil/log.h>
#include <libavutil/time.h>
#include <stdio.h>
#include <time.h>

/// AVERROR_EOF is a macro built from FFERRTAG; Swift cannot import it.
static inline int CFFmpeg_AVERROR_EOF(void) { return AVERROR_EOF; }

/// AVERROR(EAGAIN): "try again after feeding more input / draining output".
static inline int CFFmpeg_AVERROR_EAGAIN(void) { return AVERROR(EAGAIN); }

/// AVERROR_EXIT: what FFmpeg returns when our interrupt callback (or read callback) aborts.
static inline int CFFmpeg_AVERROR_EXIT(void) { return AVERROR_EXIT; }

/// AVERROR(e) for a POSIX errno value (ENOMEM, EPERM, EIO…); AVERROR is a function-like macro.
static inline int CFFmpeg_AVERROR(int posix_errno) { return AVERROR(posix_errno); }

/// AV_NOPTS_VALUE is defined through a cast that Swift does not import.
static inline int64_t CFFmpeg_AV_NOPTS_VALUE(void) { return AV_NOPTS_VALUE; }

/// av_err2str uses a compound literal; this writes the same text into a caller buffer.
static inline void CFFmpeg_strerror(int code, char *buffer, size_t size) {
    if (av_strerror(code, buffer, size) < 0) {
        snprintf(buffer, size, "FFmpeg error %d", code);
    }
}

/// The display matrix (rotation) side data of a stream, or NULL. FFmpeg 6.1 (libavformat
/// 60.15) deprecated av_stream_get_side_data in favour of the codec parameters' coded side data;
/// this reads whichever the headers have.
static inline const int32_t *CFFmpeg_stream_display_matrix(const AVStream *stream) {
#if LIBAVFORMAT_VERSION_INT >= AV_VERSION_INT(60, 15, 100)
    const AVPacketSideData *side = av_packet_side_data_get(stream->codecpar->coded_side_data,
                                                           stream->codecpar->nb_coded_side_data,
                                                           AV_PKT_DATA_DISPLAYMATRIX);
    if (side == NULL || side->size < 9 * sizeof(int32_t)) return NULL;
    return (const int32_t *)side->data;
#else
    size_t size = 0;
    const uint8_t *data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (data == NULL || size < 9 * sizeof(int32_t)) return NULL;
    return (const int32_t *)data;
#endif
}

/// CLOCK_MONOTONIC in nanoseconds: the clock of `Deadline` (KeyprintModel) on both sides of
/// the interrupt callback, so that Swift and C compare the same instants.
static inline int64_t CFFmpeg_monotonic_nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/// Interrupt callback that aborts blocking work once a deadline (CLOCK_MONOTONIC nanoseconds,
/// 0 for none) stored behind `opaque` has passed. A C function because FFmpeg calls it from
/// inside its own loops; the Int64 it reads is owned by `InterruptDeadline`.
static inline int CFFmpeg_deadline_interrupt(void *opaque) {
    const int64_t *deadline = (const int64_t *)opaque;
    if (deadline == NULL || *deadline <= 0) return 0;
    return CFFmpeg_monotonic_nanoseconds() > *deadline ? 1 : 0;
}

static inline void CFFmpeg_install_deadline_interrupt(AVFormatContext *context, int64_t *deadline) {
    context->interrupt_callback.callback = CFFmpeg_deadline_interrupt;
    context->interrupt_callback.opaque = deadline;
}

/// io_open callback that refuses every open. Demuxers that name other files (HLS playlists,
/// concat lists, image2 sequences, DASH/IMF manifests, MOV external references) call
/// AVFormatContext.io_open for them; with this installed they get AVERROR(EPERM), so only the
/// bytes of the one evidence file behind our own AVIOContext are ever read. When the context's
/// `opaque` points to a counter, each refusal is counted there (nested contexts of the concat
/// demuxer inherit the callback but not the counter).
static inline int CFFmpeg_refuse_io_open(struct AVFormatContext *s, AVIOContext **pb, const char *url,
                                         int flags, AVDictionary **options) {
    (void)url; (void)flags; (void)options;
    if (pb != NULL) *pb = NULL;
    if (s != NULL && s->opaque != NULL) *(int *)s->opaque += 1;
    return AVERROR(EPERM);
}

static inline void CFFmpeg_install_refusing_io_open(AVFormatContext *context, int *refusals) {
    context->opaque = refusals;
    context->io_open = CFFmpeg_refuse_io_open;
}

/// Whether a decoded frame is a key frame. FFmpeg 6.1 moved this from `key_frame` (now
/// deprecated) to AV_FRAME_FLAG_KEY; this reads whichever the headers have.
static inline int CFFmpeg_frame_is_key(const AVFrame *frame) {
#ifdef AV_FRAME_FLAG_KEY
    return (frame->flags & AV_FRAME_FLAG_KEY) != 0;
#else
    return frame->key_frame != 0;
#endif
}

/// Fixed-quality encoding (the ffmpeg CLI's `-q:v`): AV_CODEC_FLAG_QSCALE and FF_QP2LAMBDA are
/// macros; the encoder reads the quality from each frame, so the frame gets it too.
static inline void CFFmpeg_set_fixed_quality(AVCodecContext *context, int qscale) {
    context->flags |= AV_CODEC_FLAG_QSCALE;
    context->global_quality = FF_QP2LAMBDA * qscale;
}

static inline void CFFmpeg_set_frame_quality(AVFrame *frame, int qscale) {
    frame->quality = FF_QP2LAMBDA * qscale;
}

/// Silence FFmpeg's own logging (the library never prints; errors reach us as codes).
static inline void CFFmpeg_set_log_quiet(void) { av_log_set_level(AV_LOG_QUIET); }

#endif
