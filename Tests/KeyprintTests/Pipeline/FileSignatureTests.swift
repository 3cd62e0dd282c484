import Testing
@testable import KeyprintModel
@testable import KeyprintDecode
@testable import KeyprintHash
@testable import KeyprintIndex
@testable import KeyprintMatch
@testable import KeyprintStore
@testable import KeyprintExport
@testable import KeyprintPipeline

@Suite struct FileSignatureTests {
    @Test func recognisesContainersImagesAndText() {
        let mp4: [UInt8] = [0, 0, 0, 0x20] + Array("ftypisom".utf8) + [UInt8](repeating: 0, count: 20)
        #expect(FileSignature(head: mp4, size: 32, name: "clip.bin").kind == .video("MP4/QuickTime"))
        #expect(FileSignature(head: mp4, size: 32, name: "clip.bin").claimsVideo)
        #expect(FileSignature(head: [0x1A, 0x45, 0xDF, 0xA3, 1], size: 5, name: "a").kind == .video("Matroska/WebM"))
        #expect(FileSignature(head: [0xFF, 0xD8, 0xFF, 0xE0], size: 4, name: "a.jpg").kind == .image("JPEG"))
        #expect(FileSignature(head: Array("hello\nworld é".utf8), size: 14, name: "n.txt").kind == .other("text"))
        #expect(FileSignature(head: Array("%PDF-1.7".utf8), size: 8, name: "x").kind == .other("a PDF document"))
        #expect(FileSignature(head: [], size: 0, name: "x.mp4").kind == .empty)
        #expect(FileSignature(head: [], size: 0, name: "x.mp4").claimsVideo)
        #expect(!FileSignature(head: Array("text".utf8), size: 4, name: "x.txt").worthProbing)
        #expect(FileSignature(head: [0x00, 0x9F, 0x13, 0x88], size: 4, name: "x.dat").worthProbing)
    }

    @Test func verdictsSeparateDamagedVideosFromNonVideos() {
        let text = FileSignature(head: Array("notes".utf8), size: 5, name: "notes.txt")
        #expect(MediaProbe.verdict(withoutDecoding: text) == .init(state: .skipped, reason: "not a video: text"))
        let error = DecodeError.noVideoStream(path: "x")
        let unknown = FileSignature(head: [0x00, 0x9F], size: 2, name: "x.dat")
        #expect(MediaProbe.verdict(for: error, signature: unknown).state == .skipped)
        let named = FileSignature(head: [0x00, 0x9F], size: 2, name: "x.MOV")
        #expect(MediaProbe.verdict(for: error, signature: named).state == .failed)
        #expect(MediaProbe.verdict(for: .timedOut(path: "x", seconds: 5), signature: unknown).state == .failed)
    }
}
