import ArgumentParser
import KeyprintPipeline
import KeyprintStore

/// `--db`, shared by every command that works on a case database, and the checks that keep
/// the database and the exports out of the evidence. Every such command opens its store here,
/// through `CaseStoreFactory`, with the access it needs: `.create` for scan, `.write` for
/// resume and match, `.read` for status and the exports.
struct CaseDatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The case database: the path of a SQLite file (scan creates it; the other commands need it), or postgres://USER[:PASSWORD]@HOST:PORT/DBNAME[?sslmode=…] for a catalog shared by several machines.",
        valueName: "CASE.sqlite"))
    var db: String

    /// Opens the database as typed (status, match, the exports).
    func open(_ access: CaseStoreFactory.Access) async throws -> CaseDatabase {
        CaseDatabase(store: try await CaseStoreFactory.open(db, access: access), location: db)
    }

    /// The database as it may be printed: a URL without its password.
    var displayed: String { CaseStoreFactory.displayed(db) }

    /// Opens the database of a scan of the (resolved) evidence folder `folder`, after refusing
    /// one that would lie inside it. The path is resolved first, a symbolic link as its last
    /// component included, even a dangling one: SQLite would create the file at the link's
    /// target (and its -wal and -shm beside it). The store's location is the resolved path.
    func open(_ access: CaseStoreFactory.Access, outside folder: String) async throws -> CaseDatabase {
        if CaseStoreFactory.isURL(db) { return try await open(access) }
        let resolved = try EvidencePaths.resolveDatabase(db)
        try EvidencePaths.checkDatabase(resolved, outside: folder)
        return CaseDatabase(store: try await CaseStoreFactory.open(resolved, access: access), location: resolved)
    }
}

/// An open case database and where it is.
struct CaseDatabase {
    let store: any CaseStore
    /// The path (or URL) it was opened at.
    let location: String

    /// `location` for messages: a URL without its password.
    var displayed: String { CaseStoreFactory.displayed(location) }

    /// Every evidence folder the case has scanned: exports must stay out of all of them.
    func scannedFolders() async throws -> [String] {
        Set(try await store.scans().map(\.root)).sorted()
    }

    /// An export file, checked: a new path or a regular file, outside every scanned folder, not
    /// the database itself.
    func outputFile(_ path: String) async throws -> EvidencePaths.OutputFile {
        let database = CaseStoreFactory.isURL(location) ? nil : location
        return try EvidencePaths.resolveOutputFile(path, outside: try await scannedFolders(), database: database)
    }

    /// An export folder, checked and resolved: a folder (not a link) or a new path, outside every
    /// scanned folder.
    func outputFolder(_ path: String) async throws -> String {
        try EvidencePaths.resolveOutputFolder(path, outside: try await scannedFolders())
    }
}
