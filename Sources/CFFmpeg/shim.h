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

/// AVERROR_EOF is a macro built from FFERRTAG; Swift cannot import it.
static inline int CFFmpeg_AVERROR_EOF(void) { return AVERROR_EOF; }

/// AVERROR(EAGAIN): "try again after feeding more input / draining output".
static inline int CFFmpeg_AVERROR_EAGAIN(void) { return AVERROR(EAGAIN); }

/// AVERROR(ETIMEDOUT) style errors raised when our interrupt callback fires.
static inline int CFFmpeg_AVERROR_EXIT(void) { return AVERROR_EXIT; }

/// AV_NOPTS_VALUE is defined through a cast that Swift does not import.
static inline int64_t CFFmpeg_AV_NOPTS_VALUE(void) { return AV_NOPTS_VALUE; }

/// av_err2str uses a compound literal; this writes the same text into a caller buffer.
static inline void CFFmpeg_strerror(int code, char *buffer, size_t size) {
    if (av_strerror(code, buffer, size) < 0) {
        snprintf(buffer, size, "FFmpeg error %d", code);
    }
}

/// The display matrix (rotation) side data of a stream, or NULL. Wrapped so that Swift
/// need not deal with the side-data type's deprecation across FFmpeg versions.
static inline const int32_t *CFFmpeg_stream_display_matrix(const AVStream *stream) {
    size_t size = 0;
    const uint8_t *data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (data == NULL || size < 9 * sizeof(int32_t)) return NULL;
    return (const int32_t *)data;
}

/// Interrupt callback that aborts blocking I/O once a deadline (monotonic, in
/// microseconds from av_gettime_relative) stored behind `opaque` has passed.
static inline int CFFmpeg_deadline_interrupt(void *opaque) {
    const int64_t *deadline = (const int64_t *)opaque;
    if (deadline == NULL || *deadline <= 0) return 0;
    return av_gettime_relative() > *deadline ? 1 : 0;
}

static inline void CFFmpeg_install_deadline_interrupt(AVFormatContext *context, int64_t *deadline) {
    context->interrupt_callback.callback = CFFmpeg_deadline_interrupt;
    context->interrupt_callback.opaque = deadline;
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

/// Silence FFmpeg's own logging (the library never prints; errors reach us as codes).
static inline void CFFmpeg_set_log_quiet(void) { av_log_set_level(AV_LOG_QUIET); }

#endif
