import KeyprintModel

/// The three tables of frame hashes (whole frames, content regions, pictures inside letterbox
/// bars), with the same columns in both stores. Their names are fixed here, never taken from
/// input.
public enum FrameHashTable: String, Sendable {
    case frames
    case regionFrames = "region_frames"
    case pictureFrames = "picture_frames"

    /// The `dihedral_frames.kind` of this table's rows (both stores' schemas).
    public var dihedralKind: Int {
        switch self {
        case .frames: 0
        case .regionFrames: 1
        case .pictureFrames: 2
        }
    }
}

/// Merges `dihedral_frames` rows, read in (file, frame index) order, into frames held per file
/// in frame order: each row's hashes go to the frame of its index (a row without its frame is
/// ignored). One merger per read.
public struct DihedralRowMerger {
    private var currentID: Int64 = -1
    private var position = 0

    public init() {}

    public mutating func attach(_ turned: DihedralHashes, fileID: Int64, index: Int, to byFile: inout [Int64: [FrameHash]]) {
        guard byFile[fileID] != nil else { return }
        if fileID != currentID { currentID = fileID; position = 0 }
        var position = self.position
        byFile[fileID]!.withUnsafeMutableBufferPointer { frames in
            while position < frames.count, frames[position].index < index { position += 1 }
            if position < frames.count, frames[position].index == index { frames[position].dihedral = turned }
        }
        self.position = position
    }
}
