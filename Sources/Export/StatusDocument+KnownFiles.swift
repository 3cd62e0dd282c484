import KeyprintStore

extension StatusDocument {
    /// The known-file hits of `status --json`:
    /// `{"evidence_files", "hash_sets":[{"collection","source_path","format","sha256","records","files"}…],
    ///   "categories":[{"collection","category","files"}…]}`; `files` counts distinct evidence files,
    /// `category` is the set's own text or null. Always present (empty without hash sets).
    public struct KnownFiles: Sendable, Encodable, Equatable {
        public struct HashSet: Sendable, Encodable, Equatable {
            public var collection: String
            public var sourcePath: String
            public var format: String
            public var sha256: String
            public var records: Int
            public var files: Int

            enum CodingKeys: String, CodingKey {
                case collection, format, sha256, records, files
                case sourcePath = "source_path"
            }
        }

        public struct Category: Sendable, Encodable, Equatable {
            public var collection: String
            public var category: String?
            public var files: Int

            public func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(collection, forKey: .collection)
                try c.encode(category, forKey: .category)
                try c.encode(files, forKey: .files)
            }

            enum CodingKeys: String, CodingKey { case collection, category, files }

            /// By collection, then category (none first).
            static func precedes(_ a: Category, _ b: Category) -> Bool {
                if a.collection != b.collection { return a.collection < b.collection }
                switch (a.category, b.category) {
                case (nil, nil): return false
                case (nil, _): return true
                case (_, nil): return false
                case let (x?, y?): return x < y
                }
            }
        }

        /// Distinct evidence files with at least one hit.
        public var evidenceFiles: Int
        /// Every imported set, by collection then source path, with its hits.
        public var hashSets: [HashSet]
        /// Per hash-set collection and category, by collection then category (none first).
        public var categories: [Category]

        enum CodingKeys: String, CodingKey {
            case evidenceFiles = "evidence_files"
            case hashSets = "hash_sets"
            case categories
        }

        public init(hashSets sets: [StoredHashSet], hits: [KnownFileHit]) {
            evidenceFiles = Swift.Set(hits.map(\.file.id)).count
            hashSets = sets.map { set in
                HashSet(collection: set.collection, sourcePath: set.sourcePath, format: set.format, sha256: set.sha256, records: set.records,
                        files: Swift.Set(hits.filter { $0.hashSet.id == set.id }.map(\.file.id)).count)
            }
            var perCategory: [Pair: Swift.Set<Int64>] = [:]
            for hit in hits { perCategory[Pair(collection: hit.hashSet.collection, category: hit.record.category), default: []].insert(hit.file.id) }
            let counted: [Category] = perCategory.map { Category(collection: $0.key.collection, category: $0.key.category, files: $0.value.count) }
            categories = counted.sorted(by: Category.precedes)
        }

        struct Pair: Hashable { var collection: String; var category: String? }
    }
}
