import Foundation

/// Why a run folder could not be written.
public struct RunFolderError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write run folder '\(path)': \(reason)" }
}

/// A run's output folder, written all-or-nothing.
///
/// Files go into a hidden temporary folder next to the destination; ``commit()`` renames it into
/// place, so a failed or interrupted run never leaves a half-written folder under its final name.
///
/// ```swift
/// var folder = try RunFolder(parent: "runs", name: "demo", timestamp: .now)
/// try folder.write("summary.json", contents: json)
/// let final = try folder.commit()     // runs/demo-20261126T150102Z
/// ```
public final class RunFolder {
    /// Where the folder will be once committed.
    public let finalPath: String
    /// Where files are written until then.
    public let stagingPath: String
    private var committed = false

    /// Prepares `parent/name-YYYYMMDDTHHMMSSZ` (with `-2`, `-3`, … if that exists).
    public init(parent: String, name: String, timestamp: UTCInstant) throws {
        let c = timestamp.components
        func pad(_ v: Int, _ w: Int = 2) -> String {
            let s = String(v)
            return String(repeating: "0", count: Swift.max(0, w - s.count)) + s
        }
        let stamp = "\(pad(c.year, 4))\(pad(c.month))\(pad(c.day))T\(pad(c.hour))\(pad(c.minute))\(pad(c.second))Z"
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw RunFolderError(path: parent, reason: "\(error.localizedDescription)")
        }
        var candidate = "\(parent)/\(name)-\(stamp)"
        var k = 2
        while fm.fileExists(atPath: candidate) {
            candidate = "\(parent)/\(name)-\(stamp)-\(k)"
            k += 1
        }
        finalPath = candidate
        let base = (candidate as NSString).lastPathComponent
        stagingPath = "\(parent)/.\(base).partial-\(getpid())"
        do {
            try fm.createDirectory(atPath: stagingPath, withIntermediateDirectories: false)
        } catch {
            throw RunFolderError(path: stagingPath, reason: "\(error.localizedDescription)")
        }
    }

    /// Prepares the folder `path` itself (an output folder the user named); fails if it exists.
    public init(path: String) throws {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: path) else {
            throw RunFolderError(path: path, reason: "it already exists; choose another name or remove it")
        }
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        do {
            try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw RunFolderError(path: parent, reason: "\(error.localizedDescription)")
        }
        finalPath = path
        stagingPath = "\(parent)/.\(url.lastPathComponent).partial-\(getpid())"
        try? fm.removeItem(atPath: stagingPath)
        do {
            try fm.createDirectory(atPath: stagingPath, withIntermediateDirectories: false)
        } catch {
            throw RunFolderError(path: stagingPath, reason: "\(error.localizedDescription)")
        }
    }

    /// Writes one file into the folder.
    public func write(_ fileName: String, contents: String) throws {
        precondition(!committed, "RunFolder already committed")
        let path = "\(stagingPath)/\(fileName)"
        guard FileManager.default.createFile(atPath: path, contents: Data(contents.utf8)) else {
            throw RunFolderError(path: path, reason: "file could not be created")
        }
    }

    /// Moves the folder to its final name and returns that path.
    @discardableResult
    public func commit() throws -> String {
        precondition(!committed, "RunFolder already committed")
        guard rename(stagingPath, finalPath) == 0 else {
            throw RunFolderError(path: finalPath, reason: String(cString: strerror(errno)))
        }
        committed = true
        return finalPath
    }

    /// Removes the staging folder if the run did not commit.
    deinit {
        if !committed { try? FileManager.default.removeItem(atPath: stagingPath) }
    }
}

extension UTCInstant {
    /// The current wall-clock time (for naming output folders; never use it inside a simulation).
    public static var now: UTCInstant {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UTCInstant(unixNanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }
}
