import CFFmpeg
import KeyprintModel

extension VideoReader {
    /// Seeks to `time` (seconds from the stream's start, as stored for a sampled frame) and
    /// decodes the frame shown then: the last frame whose presentation time is at or before
    /// `time` (within half a millisecond), or the first frame when the stream starts later.
    /// Calls `body` with the decoded frame (valid only inside `body`) and its time.
    ///
    /// Seeks back to the key frame at or before `time`; where the container cannot seek, the
    /// decode goes on forward from where it is, which serves increasing times.
    func withFrame<R>(at time: Double, _ body: (UnsafeMutablePointer<AVFrame>, Double) throws -> R) throws -> R {
        let (packet, frames) = try decodeBuffers(frameCount: 2)
        let frame = frames[0], shown = frames[1]
        let format = self.format.pointer, codec = self.codec.pointer
        let tolerance = 0.0005
        let target = startPTS + Int64((time * Double(timeBase.den) / Double(timeBase.num)).rounded(.down))
        if av_seek_frame(format, streamIndex, target, AVSEEK_FLAG_BACKWARD) >= 0 {
            avcodec_flush_buffers(codec)
        }
        var shownTime: Double?
        var finished = false

        // Takes the decoder's frames; true once a frame after `time` shows the one held is it.
        func drain() throws -> Bool {
            while try receiveFrame(into: frame) {
                let t = timestamp(of: frame.pointer)
                if t <= time + tolerance || shownTime == nil {
                    av_frame_unref(shown.pointer)
                    av_frame_move_ref(shown.pointer, frame.pointer)
                    let first = shownTime == nil
                    shownTime = t
                    if first && t > time + tolerance { return true }
                } else {
                    av_frame_unref(frame.pointer)
                    return true
                }
            }
            return false
        }

        reading: while !finished {
            try checkDeadline()
            let read: FFmpegProgress
            do {
                read = try progress(av_read_frame(format, packet.pointer), function: "av_read_frame")
            } catch {
                if shownTime != nil { break reading }
                throw DecodeError.failed(path: path, ffmpeg: error)
            }
            guard case .ok = read else { break reading }
            defer { av_packet_unref(packet.pointer) }
            guard packet.pointer.pointee.stream_index == streamIndex else { continue }
            // A packet the decoder rejects is skipped, as in `forEachSample`.
            if (try? progress(avcodec_send_packet(codec, packet.pointer), function: "avcodec_send_packet")) == nil { continue }
            finished = try drain()
        }
        if !finished {
            _ = try? progress(avcodec_send_packet(codec, nil), function: "avcodec_send_packet")
            _ = try drain()
            // The decoder is drained: the next seek starts it afresh.
            avcodec_flush_buffers(codec)
        }
        guard let shownTime else { throw DecodeError.noFrames(path: path) }
        defer { av_frame_unref(shown.pointer) }
        return try body(shown.pointer, shownTime)
    }
}
