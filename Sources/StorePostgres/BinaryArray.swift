import PostgresNIO

/// A one-dimensional array parameter in PostgreSQL's binary array format (`array_recv`), laid
/// out here and handed to PostgresNIO as one block of bytes. It carries what PostgresNIO's own
/// array encoding does not (text elements that may be NULL) and costs a fraction of it: that
/// encoding makes several ByteBuffer calls per element, unspecialised in debug builds, which
/// was most of a bulk insert's client time.
struct BinaryArray: PostgresDynamicTypeEncodable {
    let psqlType: PostgresDataType
    var psqlFormat: PostgresFormat { .binary }
    private let bytes: [UInt8]

    /// `text[]`; nil elements are NULL.
    init(text values: [String?]) {
        self.init(type: .textArray, element: .text, count: values.count, hasNulls: values.contains { $0 == nil },
                  payload: values.reduce(0) { $0 + ($1?.utf8.count ?? 0) }) { bytes in
            for value in values {
                guard let value else { Self.append(Int32(-1), to: &bytes); continue }
                Self.append(Int32(value.utf8.count), to: &bytes)
                bytes.append(contentsOf: value.utf8)
            }
        }
    }

    /// `int8[]`.
    init(int8 values: [Int]) {
        self.init(type: .int8Array, element: .int8, count: values.count, hasNulls: false, payload: 8 * values.count) { bytes in
            for value in values {
                Self.append(Int32(8), to: &bytes)
                Self.append(Int64(value), to: &bytes)
            }
        }
    }

    /// `float8[]`, each value's exact bits.
    init(float8 values: [Double]) {
        self.init(type: .float8Array, element: .float8, count: values.count, hasNulls: false, payload: 8 * values.count) { bytes in
            for value in values {
                Self.append(Int32(8), to: &bytes)
                Self.append(value.bitPattern, to: &bytes)
            }
        }
    }

    /// `bytea[]`.
    init(bytea values: [[UInt8]]) {
        self.init(type: .byteaArray, element: .bytea, count: values.count, hasNulls: false, payload: values.reduce(0) { $0 + $1.count }) { bytes in
            for value in values {
                Self.append(Int32(value.count), to: &bytes)
                bytes.append(contentsOf: value)
            }
        }
    }

    /// The header (dimensions, whether any element is NULL, the elements' type, the one
    /// dimension's length and lower bound), then the elements `write` appends, each as its
    /// length (-1: NULL) and its bytes.
    private init(type: PostgresDataType, element: PostgresDataType, count: Int, hasNulls: Bool, payload: Int,
                 _ write: (inout [UInt8]) -> Void) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20 + 4 * count + payload)
        Self.append(Int32(count == 0 ? 0 : 1), to: &bytes)
        Self.append(Int32(hasNulls ? 1 : 0), to: &bytes)
        Self.append(element.rawValue, to: &bytes)
        if count > 0 {
            Self.append(Int32(count), to: &bytes)
            Self.append(Int32(1), to: &bytes)
            write(&bytes)
        }
        psqlType = type
        self.bytes = bytes
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeBytes(bytes)
    }
}
