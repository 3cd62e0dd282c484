import KeyprintModel

/// Decides, packet by packet, when interval sampling may let the decoder drop non-reference
/// frames (`AVDISCARD_NONREF`), and numbers the frames that do come out.
///
/// A frame whose presentation time lies before the next sample time can never be a sample
/// (the sampler takes the first frame at or after each target), and a non-reference frame is
/// never needed to decode another frame. So while a packet's time is more than `margin` before
/// the next target, the decoder may discard it if it is non-reference; reference frames are
/// always decoded. The margin covers decoders whose best-effort timestamp differs slightly
/// from the packet's pts. Packets without a pts switch discarding off for the rest of the file.
///
/// Discarded frames produce no output, so the decoder's own count no longer numbers frames.
/// Instead a frame's number is the count of video packets read so far whose pts is below its
/// own: with one frame per packet (MP4, Matroska, WebM, …) that equals the count of frames
/// before it in presentation order, which is what the decoder count gives without discarding.
struct NonReferenceSkipper {
    /// Seconds before the next sample time from which every frame is decoded again.
    let margin: Double
    private(set) var discarding = true
    /// True once any packet was sent with discarding on.
    private(set) var usedDiscard = false
    /// Packet pts values not yet below any output frame, kept sorted.
    private var pending: [Int64] = []
    /// Packets counted as lying before the latest output frame.
    private var passed = 0

    init(margin: Double) { self.margin = margin }

    /// Records a video packet and says whether the decoder may discard it if non-reference.
    mutating func discard(packetPTS: Int64, packetTime: Double?, nextSample: Double) -> Bool {
        guard discarding, let time = packetTime else {
            discarding = false
            return false
        }
        let index = pending.firstIndex { $0 > packetPTS } ?? pending.count
        pending.insert(packetPTS, at: index)
        let drop = time + margin < nextSample
        if drop { usedDiscard = true }
        return drop
    }

    /// The frame number of a decoded frame with this presentation timestamp, or nil when no
    /// packet was discarded so far (the decoder's own count is then exact).
    mutating func frameIndex(presentationTimestamp pts: Int64) -> Int? {
        var below = 0
        while below < pending.count && pending[below] < pts { below += 1 }
        if below > 0 {
            passed += below
            pending.removeFirst(below)
        }
        return usedDiscard ? passed : nil
    }

    /// Every packet recorded, i.e. the number of frames in the stream as far as it was read.
    var framesCounted: Int { passed + pending.count }
}
