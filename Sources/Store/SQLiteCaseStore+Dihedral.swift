import Foundation
import GRDB
import KeyprintModel

/// The turned and mirrored-and-turned hashes of stored frames (`FrameHash.dihedral`, issue 13),
/// in a table of their own (`v13-dihedral-hashes`) so that the rows of frames, region_frames
/// and picture_frames stay exactly as they were: one row per (file, hash table, frame index)
/// with the six hashes as one 192-byte blob. A frame without a row (scanned before, or
/// imported from a hash file) has no dihedral hashes and is looked up unturned only.
extension SQLiteCaseStore {
    static let dihedralMigration = """
        CREATE TABLE dihedral_frames (
            file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
            kind INTEGER NOT NULL CHECK (kind IN (0, 1, 2)),
            frame_index INTEGER NOT NULL,
            hashes BLOB NOT NULL CHECK (length(hashes) = 192),
            PRIMARY KEY (file_id, kind, frame_index)
        ) WITHOUT ROWID;
        """

    /// Inside a write transaction, beside `replaceRows`: replaces a file's dihedral rows of `table`.
    static func replaceDihedralRows(_ db: Database, of table: FrameHashTable, fileID: Int64, with hashes: [FrameHash]) throws {
        let kind = table.dihedralKind
        try db.execute(sql: "DELETE FROM dihedral_frames WHERE file_id = ? AND kind = ?", arguments: [fileID, kind])
        guard hashes.contains(where: { $0.dihedral != nil }) else { return }
        let insert = try db.cachedStatement(sql: "INSERT INTO dihedral_frames (file_id, kind, frame_index, hashes) VALUES (?, ?, ?, ?)")
        for frame in hashes {
            guard let d = frame.dihedral else { continue }
            try insert.execute(arguments: [fileID, kind, frame.index, Data(d.bytes)])
        }
    }

    /// Attaches the dihedral rows of `table` to `byFile` (frames by file, in frame order): one
    /// statement, merged by frame index.
    static func attachDihedral(_ db: Database, of table: FrameHashTable, to byFile: inout [Int64: [FrameHash]]) throws {
        guard !byFile.isEmpty else { return }
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT file_id, frame_index, hashes FROM dihedral_frames WHERE kind = ? ORDER BY file_id, frame_index
            """, arguments: [table.dihedralKind])
        var merger = DihedralRowMerger()
        while let row = try cursor.next() {
            let fileID: Int64 = try row.decode(atIndex: 0)
            guard byFile[fileID] != nil else { continue }
            let index: Int = try row.decode(atIndex: 1)
            let d = try row.withUnsafeData(atIndex: 2) { data in
                try data.flatMap { DihedralHashes(bytes: $0) }.orCorrupt(table: "dihedral_frames", column: "hashes", "\(data?.count ?? 0) bytes")
            }
            merger.attach(d, fileID: fileID, index: index, to: &byFile)
        }
    }
}
