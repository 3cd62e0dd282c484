import Foundation
import GRDB
import KeyprintModel

/// A store that hands out its files a page at a time, so that a reader of every file (`status
/// --json`) holds one page in memory, not the whole table (issue 15 item 4).
public protocol FileStreamingStore: CaseStore {
    /// Every file, ordered by collection and relative path (as `files(collection: nil)`), in
    /// pages of at most `pageSize` files; `body` gets each page before the next one is read.
    func forEachFilePage(pageSize: Int, _ body: ([StoredFile]) async throws -> Void) async throws
}

extension SQLiteCaseStore: FileStreamingStore {
    public func forEachFilePage(pageSize: Int = 1000, _ body: ([StoredFile]) async throws -> Void) async throws {
        precondition(pageSize > 0, "pages of at least one file")
        var after: (collection: String, path: String, id: Int64)?
        while true {
            let last = after
            let page: [StoredFile] = try await guarded {
                try await self.pool.read { db in
                    if let last {
                        return try Row.fetchAll(db, sql: """
                            SELECT * FROM files WHERE (collection, relative_path, id) > (?, ?, ?)
                            ORDER BY collection, relative_path, id LIMIT ?
                            """, arguments: [last.collection, last.path, last.id, pageSize]).map { try Self.storedFile($0) }
                    }
                    return try Row.fetchAll(db, sql: "SELECT * FROM files ORDER BY collection, relative_path, id LIMIT ?",
                                            arguments: [pageSize]).map { try Self.storedFile($0) }
                }
            }
            guard let end = page.last else { return }
            try await body(page)
            if page.count < pageSize { return }
            after = (end.collection, end.relativePath, end.id)
        }
    }
}
