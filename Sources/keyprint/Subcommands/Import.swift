import ArgumentParser
import Foundation
import KeyprintImport
import KeyprintPipeline
import KeyprintStore

extension Keyprint {
    /// `keyprint import <format>`: loads hashes that others share into a case database.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load shared hashes (known material) into a case database.",
            discussion: "Each import is one transaction: a file that does not parse stores nothing."
                + ExitStatus.helpSection(ExitStatus.readingCommand),
            subcommands: [ImportVPDQ.self, ImportHashSet.self]
        )

        /// `keyprint import` alone names no format: a usage error.
        func run() throws {
            throw CommandFailure(.usage, "name what to import, vpdq or hashset; see `keyprint import --help`")
        }

        /// The store of `database` when its backend holds known material; a usage error otherwise.
        static func knownMaterialStore(_ database: CaseDatabase) throws -> any KnownMaterialStore {
            guard let store = database.store as? any KnownMaterialStore else {
                throw KnownMaterialError.unsupportedBackend(database.location)
            }
            return store
        }
    }

    struct ImportVPDQ: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vpdq",
            abstract: "Import vPDQ per-frame hash files as reference items of a collection.",
            discussion: """
            Each PATH is a vPDQ text file, as ThreatExchange's vpdq tools and `keyprint export \
            frames --format vpdq` write them (one line per hashed frame: \
            frameNumber,quality,pdqHex,timestampSeconds; every frame or a sample, frame numbers \
            increasing, with or without gaps), or a folder searched recursively for *.txt files. \
            Each file becomes one done item of --collection, named by its path below the folder \
            (a file named directly: its file name), with no media file behind it: status and \
            the timeline show it as "hashes from PATH". Its source path, the SHA-256 of the hash \
            file and the time go into the audit trail. Importing a file of the same name again \
            replaces its item. The whole import is one transaction: a malformed line (the error \
            names the file and line) stores nothing. The collection must not hold scanned \
            files. The database is created when missing.

            Then match evidence against it: keyprint match --db CASE --query EVIDENCE --reference NAME.
            """ + ExitStatus.helpSection(ExitStatus.readingCommand)
        )

        @Argument(help: ArgumentHelp("vPDQ hash files or folders of them.", valueName: "PATH"))
        var paths: [String]

        @OptionGroup var database: CaseDatabaseOptions

        @Option(name: .long, help: ArgumentHelp("The collection the items go into.", valueName: "NAME"))
        var collection: String

        @Option(name: .long, help: ArgumentHelp(
            "reference (known material, matched) or ignore (an ignore list: frames within the match threshold of its hashes never vote in any match; its items are never matched).",
            valueName: "ROLE"))
        var role: ImportRole = .reference

        @Flag(name: .long, help: "No progress output.")
        var quiet = false

        func validate() throws {
            if paths.isEmpty { throw ValidationError("name at least one vPDQ file or folder.") }
            if collection.isEmpty { throw ValidationError("--collection takes a non-empty name.") }
        }

        func run() async throws {
            let store = try Import.knownMaterialStore(try await database.open(.create))
            let showProgress = !quiet
            let started = Date()
            let summary = try await VPDQImporter(store: store).run(paths: paths, collection: collection, role: role,
                                                                   commandLine: Terminal.commandLine) { files, total, lines in
                if showProgress && (files == total || files % 100 == 0) { Terminal.error("imported \(files)/\(total) hash files, \(lines) lines") }
            }
            let seconds = Date().timeIntervalSince(started)
            let replaced = summary.replaced > 0 ? " (\(summary.replaced) replacing an earlier import)" : ""
            try Terminal.out("Imported \(summary.items) item(s)\(replaced), \(summary.frames) frame hash(es), into collection "
                             + "\(Terminal.printable(collection)) in \(String(format: "%.2f", seconds)) s.")
            try Terminal.out("Match against it: keyprint match --db \(Terminal.shellQuoted(database.db)) --query COLLECTION --reference "
                             + Terminal.shellQuoted(collection))
        }
    }
}

extension Keyprint {
    struct ImportHashSet: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hashset",
            abstract: "Import hash sets of known files (VICS JSON, ICSE CSV, plain CSV) for exact known-file hits.",
            discussion: """
            Each FILE is recognised by its content: VICS JSON (a root object whose \
            odata.metadata is http://github.com/ICMEC/ProjectVic/DataModels/1.2.xml#Media (CAID) \
            or .../1.3.xml#Media (Project VIC 1.3), or whose @odata.context is \
            http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media \
            (VICS 2.0), then value: an array of Media records with MD5, SHA1, SHA256, Category, \
            MediaID, Series; other fields are ignored), ICSE's export (a CSV whose header line is \
            ;-separated), or plain CSV with a header naming md5, sha1 and/or sha256 columns plus \
            optional category and note. An unknown data model or a header without a hash column \
            is an error, not a guess. Categories are kept as given (text). Files are read as a \
            stream (bounded memory) with progress on stderr; each file is one transaction, and \
            importing the same file into the same collection again replaces it.

            Every done evidence file whose MD5, SHA-1 or SHA-256 is in an imported set is a \
            known-file hit: `keyprint status` counts them per category, the timeline has a row \
            per hit (timestamp_desc "known file"), `keyprint export hits` writes them as VICS 2.0.
            """ + ExitStatus.helpSection(ExitStatus.readingCommand)
        )

        @Argument(help: ArgumentHelp("Hash set files.", valueName: "FILE"))
        var files: [String]

        @OptionGroup var database: CaseDatabaseOptions

        @Option(name: .long, help: ArgumentHelp("The hash-set collection the sets go into.", valueName: "NAME"))
        var collection: String

        @Flag(name: .long, help: "No progress output.")
        var quiet = false

        func validate() throws {
            if files.isEmpty { throw ValidationError("name at least one hash set file.") }
            if collection.isEmpty { throw ValidationError("--collection takes a non-empty name.") }
        }

        func run() async throws {
            let store = try Import.knownMaterialStore(try await database.open(.create))
            let showProgress = !quiet
            for file in files {
                let started = Date()
                let set = try await HashSetImporter(store: store).run(path: file, collection: collection, commandLine: Terminal.commandLine) { records in
                    if showProgress { Terminal.error("\(file): \(records) records") }
                }
                let seconds = Date().timeIntervalSince(started)
                try Terminal.out("Imported \(set.records) record(s) (\(set.format)\(set.replaced ? ", replacing the earlier import" : "")) from "
                                 + "\(Terminal.printable(set.sourcePath)) into hash-set collection \(Terminal.printable(collection)) in "
                                 + String(format: "%.2f s.", seconds))
            }
        }
    }
}

extension ImportRole: ExpressibleByArgument {}
