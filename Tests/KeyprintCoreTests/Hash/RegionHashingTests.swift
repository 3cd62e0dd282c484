import Foundation
import Testing
@testable import KeyprintCore

/// The scan's streaming region hashes: a buffer of the first frames decides the region, then
/// every frame (buffered or later) gets the hash of its crop, in order, at its own timestamp.
@Suite struct RegionHashingTests {
    /// 320 × 180 frames: static chrome with a moving pane at x 40…239, y 30…149.
    static let layout = SyntheticLayout(width: 320, height: 180)
    static func frames(_ count: Int) -> [LumaFrame] {
        layout.frames(count: count) { x, y, t in
            (40...239).contains(x) && (30...149).contains(y) ? SyntheticLayout.moving(x, y, t) : SyntheticLayout.chrome(x, y)
        }
    }

    /// The hash of one frame's crop computed directly (8-bit luma, native resolution).
    static func directHash(_ frame: LumaFrame, _ region: NormalizedRect) -> FrameHash {
        let crop = frame.cropped(to: region)
        let rounded = LumaFrame(index: crop.index, timestamp: crop.timestamp, width: crop.width, height: crop.height,
                                pixels: crop.pixels.map { max(0, min(255, $0.rounded())) })
        let r = PDQHasher(exactMirror: true).hash(rounded)
        return FrameHash(index: frame.index, timestamp: frame.timestamp, quality: r.quality, hash: r.hash,
                         mirrorHash: r.exactMirrorHash ?? r.hash(.flipX))
    }

    static func run(_ frames: [LumaFrame], configure: (inout RegionHashing) -> Void = { _ in }) -> (NormalizedRect?, [FrameHash], decidedAfter: Int?) {
        var hashing = RegionHashing()
        configure(&hashing)
        var out: [FrameHash] = []
        var decidedAfter: Int? = nil
        for (i, f) in frames.enumerated() {
            hashing.add(f) { out.append($0) }
            if decidedAfter == nil && !out.isEmpty { decidedAfter = i + 1 }
        }
        hashing.finish { out.append($0) }
        return (hashing.region, out, decidedAfter)
    }

    @Test func everyFrameGetsTheHashOfItsCropAtItsOwnTimestamp() throws {
        let frames = Self.frames(45)
        let (region, hashes, decidedAfter) = Self.run(frames)
        let rect = try #require(region)
        let px = rect.pixels(frameWidth: 320, frameHeight: 180)
        #expect(abs(px.x - 40) <= 2 && abs(px.y - 30) <= 2 && abs(px.width - 200) <= 3 && abs(px.height - 120) <= 3, "\(px)")
        // Decided when the 30-frame buffer filled, not at the end.
        #expect(decidedAfter == 30)
        #expect(hashes.map(\.index) == frames.map(\.index) && hashes.map(\.timestamp) == frames.map(\.timestamp))
        // Buffered (first 30) and streamed (last 15) frames are hashed the same way.
        for (frame, hash) in zip(frames, hashes) { #expect(hash == Self.directHash(frame, rect), "frame \(frame.index)") }
    }

    @Test func theByteCapDecidesEarlierAndShortVideosDecideAtTheEnd() throws {
        // 320 × 180 = 57 600 bytes a frame: a 200 000-byte cap holds 3 frames.
        let capped = Self.run(Self.frames(12)) { $0.maxBufferedBytes = 200_000 }
        #expect(capped.decidedAfter == 3)
        #expect(capped.1.count == 12)
        // Fewer frames than the buffer: decided by `finish`, same hashes as a long buffer.
        let short = Self.run(Self.frames(12))
        #expect(short.decidedAfter == nil && short.1.count == 12)
        let rect = try #require(short.0)
        #expect(short.1 == Self.frames(12).map { Self.directHash($0, rect) })
    }

    @Test func noRegionMeansNoRegionHashes() {
        // Every pixel moves: the content is the whole frame.
        let frames = Self.layout.frames(count: 35) { x, y, t in SyntheticLayout.moving(x, y, t) }
        let (region, hashes, _) = Self.run(frames)
        #expect(region == nil && hashes.isEmpty)
        #expect(Self.run([]).1.isEmpty)
    }
}
