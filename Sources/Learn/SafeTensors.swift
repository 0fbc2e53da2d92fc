import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors reading or writing a safetensors file; each names the file and, where it applies, the tensor.
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read or written.
    case io(path: String, reason: String)
    /// Fewer than the 8 bytes of the header length.
    case fileTooShort(path: String, size: Int)
    /// The header length N does not fit in the file (or exceeds the 100 MB limit of the format).
    case headerLengthOutOfRange(path: String, headerLength: UInt64, fileSize: Int)
    /// The header is not UTF-8 JSON of the expected shape (including a malformed `__metadata__`).
    case invalidHeader(path: String, reason: String)
    /// A tensor entry lacks or has malformed `dtype`, `shape` or `data_offsets`.
    case invalidTensorEntry(path: String, tensor: String, reason: String)
    /// A dtype other than F32.
    case unsupportedDType(path: String, tensor: String, dtype: String)
    /// Offsets outside the data section, or whose length disagrees with the shape.
    case invalidOffsets(path: String, tensor: String, reason: String)
    /// The tensors do not tile the data section (holes, overlaps, or trailing bytes).
    case dataNotCovered(path: String, reason: String)
    /// A tensor name that cannot be saved (empty, reserved `__metadata__`, or repeated).
    case invalidName(path: String, tensor: String, reason: String)

    public var description: String {
        switch self {
        case let .io(path, reason): return "safetensors \(path): \(reason)"
        case let .fileTooShort(path, size):
            return "safetensors \(path): file has \(size) bytes, fewer than the 8-byte header length"
        case let .headerLengthOutOfRange(path, n, size):
            return "safetensors \(path): header length \(n) does not fit in a file of \(size) bytes"
        case let .invalidHeader(path, reason): return "safetensors \(path): invalid header: \(reason)"
        case let .invalidTensorEntry(path, tensor, reason):
            return "safetensors \(path): tensor \"\(tensor)\": \(reason)"
        case let .unsupportedDType(path, tensor, dtype):
            return "safetensors \(path): tensor \"\(tensor)\" has dtype \(dtype); only F32 is supported"
        case let .invalidOffsets(path, tensor, reason):
            return "safetensors \(path): tensor \"\(tensor)\": invalid data_offsets: \(reason)"
        case let .dataNotCovered(path, reason): return "safetensors \(path): \(reason)"
        case let .invalidName(path, tensor, reason):
            return "safetensors \(path): tensor name \"\(tensor)\": \(reason)"
        }
    }
}

/// Reading and writing the safetensors format (Hugging Face; `safetensors.torch.load_file` reads it).
///
/// Layout: an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON
///
///     {"__metadata__":{"key":"value",…},"name":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},…}
///
/// padded with spaces so that N is a multiple of 8; then the data section: each tensor's values as
/// raw little-endian float32, row-major, at `data_offsets` = [begin, end) relative to the start of
/// the data section. Files written here are deterministic: `__metadata__` first (omitted when
/// empty), then tensors sorted by name, data in the same order, no spaces inside the JSON.
/// Only F32 tensors are read or written.
public enum SafeTensors {
    /// The format's limit on header size (as in the reference implementation).
    public static let maximumHeaderLength: UInt64 = 100_000_000

    // MARK: Save

    /// The bytes of a safetensors file holding `tensors` and `metadata`.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                              path: String = "<memory>") throws -> [UInt8] {
        var seen = Set<String>()
        for (name, _) in tensors {
            if name.isEmpty { throw SafeTensorsError.invalidName(path: path, tensor: name, reason: "empty") }
            if name == "__metadata__" {
                throw SafeTensorsError.invalidName(path: path, tensor: name, reason: "reserved for metadata")
            }
            if !seen.insert(name).inserted {
                throw SafeTensorsError.invalidName(path: path, tensor: name, reason: "appears twice")
            }
        }
        let sorted = tensors.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        var json = "{"
        var first = true
        if !metadata.isEmpty {
            json += "\"__metadata__\":{"
            json += metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                .map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }.joined(separator: ",")
            json += "}"
            first = false
        }
        var offset = 0
        for (name, tensor) in sorted {
            let bytes = tensor.count * 4
            if !first { json += "," }
            first = false
            json += "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],"
            json += "\"data_offsets\":[\(offset),\(offset + bytes)]}"
            offset += bytes
        }
        json += "}"
        var header = Array(json.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out = [UInt8]()
        out.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for (_, tensor) in sorted {
            #if _endian(little)
            tensor.values.withUnsafeBytes { out.append(contentsOf: $0) }
            #else
            for v in tensor.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            #endif
        }
        return out
    }

    /// Writes `tensors` and `metadata` to `path` atomically: to a temporary file in the same
    /// directory, flushed, then renamed over `path` (readers see the old file or the new one).
    public static func save(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                            to path: String) throws {
        let bytes = try encode(tensors, metadata: metadata, path: path)
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw SafeTensorsError.io(path: path, reason: "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        var written = 0
        var failure: String?
        bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = "write failed: \(String(cString: strerror(errno)))"
                    return
                }
                written += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = "fsync failed: \(String(cString: strerror(errno)))" }
        close(fd)
        if failure == nil && rename(temporary, path) != 0 {
            failure = "cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))"
        }
        if let failure {
            unlink(temporary)
            throw SafeTensorsError.io(path: path, reason: failure)
        }
    }

    // MARK: Load

    /// Reads every tensor and the metadata of the file at `path`, validating the whole file.
    public static func load(path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SafeTensorsError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        return try decode([UInt8](data), path: path)
    }

    /// Parses and validates the bytes of a safetensors file (`path` is only used in errors).
    public static func decode(_ bytes: [UInt8], path: String = "<memory>") throws
        -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard bytes.count >= 8 else { throw SafeTensorsError.fileTooShort(path: path, size: bytes.count) }
        var n: UInt64 = 0
        for i in 0 ..< 8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(bytes.count - 8), n <= maximumHeaderLength else {
            throw SafeTensorsError.headerLengthOutOfRange(path: path, headerLength: n, fileSize: bytes.count)
        }
        let headerEnd = 8 + Int(n)
        guard let text = String(validating: bytes[8 ..< headerEnd], as: UTF8.self) else {
            throw SafeTensorsError.invalidHeader(path: path, reason: "not valid UTF-8")
        }
        guard text.first == "{" else {
            throw SafeTensorsError.invalidHeader(path: path, reason: "does not start with '{'")
        }
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw SafeTensorsError.invalidHeader(path: path, reason: "not JSON (\(error))")
        }
        guard case .object(let object) = json else {
            throw SafeTensorsError.invalidHeader(path: path, reason: "not a JSON object")
        }
        var metadata: [String: String] = [:]
        if let raw = object["__metadata__"] {
            guard case .object(let dict) = raw else {
                throw SafeTensorsError.invalidHeader(path: path, reason: "__metadata__ is not an object")
            }
            for (key, value) in dict {
                guard case .string(let s) = value else {
                    throw SafeTensorsError.invalidHeader(path: path, reason: "__metadata__ value of \"\(key)\" is not a string")
                }
                metadata[key] = s
            }
        }
        let dataCount = bytes.count - headerEnd
        var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        for name in object.keys.sorted() where name != "__metadata__" {
            guard case .object(let entry)? = object[name] else {
                throw SafeTensorsError.invalidTensorEntry(path: path, tensor: name, reason: "entry is not a JSON object")
            }
            guard case .string(let dtype)? = entry["dtype"] else {
                throw SafeTensorsError.invalidTensorEntry(path: path, tensor: name, reason: "missing or non-string \"dtype\"")
            }
            guard dtype == "F32" else {
                throw SafeTensorsError.unsupportedDType(path: path, tensor: name, dtype: dtype)
            }
            guard case .array(let shapeArray)? = entry["shape"], let shape = integers(shapeArray),
                  shape.allSatisfy({ $0 >= 0 }) else {
                throw SafeTensorsError.invalidTensorEntry(path: path, tensor: name,
                                                          reason: "\"shape\" is not an array of non-negative integers")
            }
            guard case .array(let offsetArray)? = entry["data_offsets"], let offsets = integers(offsetArray),
                  offsets.count == 2 else {
                throw SafeTensorsError.invalidTensorEntry(path: path, tensor: name,
                                                          reason: "\"data_offsets\" is not an array of two integers")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end else {
                throw SafeTensorsError.invalidOffsets(path: path, tensor: name, reason: "[\(begin), \(end)] is not an interval")
            }
            guard end <= dataCount else {
                throw SafeTensorsError.invalidOffsets(path: path, tensor: name,
                                                      reason: "[\(begin), \(end)] ends beyond the \(dataCount)-byte data section")
            }
            var elements = 1
            for d in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow else {
                    throw SafeTensorsError.invalidTensorEntry(path: path, tensor: name, reason: "shape \(shape) overflows")
                }
                elements = product
            }
            let (needed, overflow) = elements.multipliedReportingOverflow(by: 4)
            guard !overflow, end - begin == needed else {
                throw SafeTensorsError.invalidOffsets(path: path, tensor: name,
                    reason: "[\(begin), \(end)] holds \(end - begin) bytes but shape \(shape) of F32 needs \(needed)")
            }
            entries.append((name, shape, begin, end))
        }
        // The tensors must tile the data section exactly, as the reference implementation checks.
        var position = 0
        for e in entries.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            guard e.begin == position else {
                throw SafeTensorsError.dataNotCovered(path: path, reason: e.begin > position
                    ? "bytes \(position)..<\(e.begin) of the data section belong to no tensor (before \"\(e.name)\")"
                    : "tensor \"\(e.name)\" at \(e.begin) overlaps the previous tensor ending at \(position)")
            }
            position = e.end
        }
        guard position == dataCount else {
            throw SafeTensorsError.dataNotCovered(path: path,
                reason: "the data section has \(dataCount) bytes but the tensors cover \(position)")
        }
        var tensors: [String: Tensor] = [:]
        for e in entries {
            let count = (e.end - e.begin) / 4
            var values = [Float](repeating: 0, count: count)
            bytes.withUnsafeBytes { raw in
                let start = headerEnd + e.begin
                #if _endian(little)
                values.withUnsafeMutableBytes { dst in
                    dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start ..< start + count * 4]))
                }
                #else
                for i in 0 ..< count {
                    let bits = raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self)
                    values[i] = Float(bitPattern: UInt32(littleEndian: bits))
                }
                #endif
            }
            tensors[e.name] = Tensor(shape: e.shape, values: values)
        }
        return (tensors, metadata)
    }

    // MARK: Helpers

    /// Integers of a JSON array (nil if any element is not an integer).
    private static func integers(_ array: [JSONValue]) -> [Int]? {
        var out: [Int] = []
        out.reserveCapacity(array.count)
        for element in array {
            guard case .integer(let i) = element else { return nil }
            out.append(i)
        }
        return out
    }

    /// A parsed JSON value (integers kept apart from other numbers).
    enum JSONValue: Decodable {
        case null, bool(Bool), integer(Int), number(Double), string(String)
        case array([JSONValue]), object([String: JSONValue])

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let i = try? c.decode(Int.self) { self = .integer(i) }
            else if let d = try? c.decode(Double.self) { self = .number(d) }
            else if let s = try? c.decode(String.self) { self = .string(s) }
            else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
            else { self = .object(try c.decode([String: JSONValue].self)) }
        }
    }

    /// A JSON string literal.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

// MARK: - Model checkpoints

/// Errors loading or saving a ``ModelCheckpoint``; each says what was expected and what was found.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The file has no `format_version` in its metadata (not written by ``ModelCheckpoint``).
    case missingVersion(path: String)
    /// A `format_version` this code does not read.
    case unsupportedVersion(path: String, found: String, supported: String)
    /// A configuration entry differs (nil: the key is absent on that side).
    case configurationMismatch(path: String, key: String, expected: String?, found: String?)
    /// The model has a parameter the file lacks.
    case missingParameter(path: String, name: String, expectedShape: [Int])
    /// The file has a tensor the model lacks.
    case unexpectedParameter(path: String, name: String, shape: [Int])
    /// A parameter's shape differs.
    case shapeMismatch(path: String, name: String, expected: [Int], found: [Int])
    /// Two parameters share a name (names are the file's keys).
    case duplicateParameterName(path: String, name: String)
    /// A configuration key that the checkpoint uses itself.
    case reservedConfigurationKey(path: String, key: String)

    public var description: String {
        func show(_ s: String?) -> String { s.map { "\"\($0)\"" } ?? "nothing" }
        switch self {
        case let .missingVersion(path):
            return "checkpoint \(path): no format_version in the metadata; not a sagin model checkpoint"
        case let .unsupportedVersion(path, found, supported):
            return "checkpoint \(path): format_version \"\(found)\" is not supported (this build reads \(supported))"
        case let .configurationMismatch(path, key, expected, found):
            return "checkpoint \(path): architecture mismatch: configuration \"\(key)\" expected \(show(expected)), found \(show(found))"
        case let .missingParameter(path, name, shape):
            return "checkpoint \(path): architecture mismatch: parameter \"\(name)\" (shape \(shape)) is not in the file"
        case let .unexpectedParameter(path, name, shape):
            return "checkpoint \(path): architecture mismatch: the file has parameter \"\(name)\" (shape \(shape)) that the model lacks"
        case let .shapeMismatch(path, name, expected, found):
            return "checkpoint \(path): architecture mismatch: parameter \"\(name)\" expected shape \(expected), found \(found)"
        case let .duplicateParameterName(path, name):
            return "checkpoint \(path): two parameters are named \"\(name)\""
        case let .reservedConfigurationKey(path, key):
            return "checkpoint \(path): configuration key \"\(key)\" is reserved"
        }
    }
}

/// A model's parameters and architecture description in one safetensors file.
///
/// Parameters are stored under their names; the `__metadata__` holds `"format_version": "1"` and
/// every configuration entry (e.g. `"layers": "2-256-256-1"`), readable from Python with
/// `safetensors.safe_open(path, "pt").metadata()`.
///
/// ```swift
/// let config = ["model": "mlp", "layers": "2-256-256-1", "activation": "relu"]
/// try ModelCheckpoint.save(parameters: model.parameters, configuration: config, to: "model.safetensors")
/// try ModelCheckpoint.load(into: model.parameters, expecting: config, from: "model.safetensors")
/// ```
public enum ModelCheckpoint {
    /// The metadata key holding the format version.
    public static let versionKey = "format_version"
    /// The version written, and the only one read.
    public static let formatVersion = "1"

    public static func save(parameters: [Parameter], configuration: [String: String], to path: String) throws {
        if configuration[versionKey] != nil {
            throw CheckpointError.reservedConfigurationKey(path: path, key: versionKey)
        }
        var seen = Set<String>()
        for p in parameters where !seen.insert(p.name).inserted {
            throw CheckpointError.duplicateParameterName(path: path, name: p.name)
        }
        var metadata = configuration
        metadata[versionKey] = formatVersion
        try SafeTensors.save(parameters.map { (name: $0.name, tensor: $0.value) }, metadata: metadata, to: path)
    }

    /// Loads the file's tensors into `parameters` (matched by name) after checking the version, the
    /// configuration (every key of `configuration` and of the file's, except `format_version`,
    /// must agree) and every name and shape. Nothing is written unless everything matches.
    /// Returns the file's configuration.
    @discardableResult
    public static func load(into parameters: [Parameter], expecting configuration: [String: String],
                            from path: String) throws -> [String: String] {
        let (tensors, metadata) = try SafeTensors.load(path: path)
        guard let version = metadata[versionKey] else { throw CheckpointError.missingVersion(path: path) }
        guard version == formatVersion else {
            throw CheckpointError.unsupportedVersion(path: path, found: version, supported: formatVersion)
        }
        var found = metadata
        found[versionKey] = nil
        for key in Set(found.keys).union(configuration.keys).sorted() where found[key] != configuration[key] {
            throw CheckpointError.configurationMismatch(path: path, key: key, expected: configuration[key], found: found[key])
        }
        var seen = Set<String>()
        for p in parameters {
            guard seen.insert(p.name).inserted else { throw CheckpointError.duplicateParameterName(path: path, name: p.name) }
            guard let t = tensors[p.name] else {
                throw CheckpointError.missingParameter(path: path, name: p.name, expectedShape: p.value.shape)
            }
            guard t.shape == p.value.shape else {
                throw CheckpointError.shapeMismatch(path: path, name: p.name, expected: p.value.shape, found: t.shape)
            }
        }
        for name in tensors.keys.sorted() where !seen.contains(name) {
            throw CheckpointError.unexpectedParameter(path: path, name: name, shape: tensors[name]!.shape)
        }
        for p in parameters { p.value = tensors[p.name]! }
        return found
    }
}
