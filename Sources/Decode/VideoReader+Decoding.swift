import CFFmpeg

/// The steps of FFmpeg's send/receive decoding that the sampling scan (`forEachSample`) and the
/// seek to one frame (`withFrame(at:)`) share, with their errors named after the evidence file.
extension VideoReader {
    /// A packet and `frameCount` frames for one decode, or the file's decode error.
    func decodeBuffers(frameCount: Int) throws -> (packet: Packet, frames: [Frame]) {
        do {
            let packet = try Packet()
            var frames: [Frame] = []
            for _ in 0..<frameCount { frames.append(try Frame()) }
            return (packet, frames)
        } catch {
            throw DecodeError.failed(path: path, ffmpeg: error)
        }
    }

    /// Takes the decoder's next frame into `frame`: true when one came, false when the decoder
    /// needs another packet first or has given every frame (EAGAIN, EOF).
    func receiveFrame(into frame: Frame) throws -> Bool {
        do {
            guard case .ok = try progress(avcodec_receive_frame(codec.pointer, frame.pointer), function: "avcodec_receive_frame") else {
                return false
            }
            return true
        } catch {
            throw DecodeError.failed(path: path, ffmpeg: error)
        }
    }
}
