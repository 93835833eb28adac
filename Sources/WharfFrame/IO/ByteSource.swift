#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import CWharfFrameSystem

/// Random access to the bytes of an input, so parsers can read pieces in parallel without loading it all.
public protocol ByteSource: Sendable {
    var size: Int { get }
    /// Copies `count` bytes starting at `offset` to `buffer`.
    func read(at offset: Int, count: Int, into buffer: UnsafeMutableRawPointer) throws(FrameError)
}

extension ByteSource {
    /// Bytes `range` as an array.
    public func bytes(_ range: Range<Int>) throws(FrameError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: range.count)
        if range.isEmpty { return out }
        var failure: FrameError?
        out.withUnsafeMutableBytes { p in
            do throws(FrameError) { try read(at: range.lowerBound, count: range.count, into: p.baseAddress!) } catch { failure = error }
        }
        if let failure { throw failure }
        return out
    }
}

/// Bytes already in memory (decompressed gzip, strings, object-store downloads).
public struct MemoryByteSource: ByteSource {
    public let data: [UInt8]
    public init(_ data: [UInt8]) { self.data = data }
    public var size: Int { data.count }
    public func read(at offset: Int, count: Int, into buffer: UnsafeMutableRawPointer) throws(FrameError) {
        data.withUnsafeBytes { p in buffer.copyMemory(from: p.baseAddress! + offset, byteCount: count) }
    }
}

/// A local file read with `pread`, so many threads can read different parts at once.
public final class FileByteSource: ByteSource {
    public let path: String
    public let size: Int
    private let fd: Int32

    public init(path: String) throws(FrameError) {
        self.path = path
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw FrameError(.fileNotFound, "file not found: \(path)", field: path)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw FrameError(.io, "\(path) is a directory, not a file", field: path)
        }
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FrameError(.io, "cannot open \(path): \(String(cString: strerror(errno)))", field: path) }
        size = Int(st.st_size)
    }

    deinit { close(fd) }

    public func read(at offset: Int, count: Int, into buffer: UnsafeMutableRawPointer) throws(FrameError) {
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw FrameError(.io, "read failed on \(path): \(String(cString: strerror(errno)))", field: path)
            }
            if n == 0 { throw FrameError(.io, "\(path) ended early at byte \(offset + done)", field: path) }
            done += n
        }
    }
}

/// gzip decompression and compression through zlib.
public enum Gzip {
    /// Whether the bytes start with the gzip magic number.
    public static func isGzip(_ prefix: [UInt8]) -> Bool { prefix.count >= 2 && prefix[0] == 0x1f && prefix[1] == 0x8b }

    public static func decompress(_ input: [UInt8]) throws(FrameError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FrameError(.io, "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var out = [UInt8]()
        out.reserveCapacity(input.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var status: Int32 = Z_OK
        input.withUnsafeBufferPointer { inp in
            stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress)
            stream.avail_in = uInt(inp.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { c in
                    stream.next_out = c.baseAddress
                    stream.avail_out = uInt(c.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    out.append(contentsOf: c[0..<(c.count - Int(stream.avail_out))])
                }
                // Concatenated gzip members (as `cat a.gz b.gz` makes) continue after a reset.
                if status == Z_STREAM_END && stream.avail_in > 0 {
                    inflateReset(&stream)
                    status = Z_OK
                }
            } while status == Z_OK
        }
        guard status == Z_STREAM_END else {
            throw FrameError(.io, "gzip data is corrupt or truncated (zlib status \(status))")
        }
        return out
    }

    public static func compress(_ input: [UInt8], level: Int32 = 6) throws(FrameError) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FrameError(.io, "zlib could not start")
        }
        defer { deflateEnd(&stream) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var status: Int32 = Z_OK
        input.withUnsafeBufferPointer { inp in
            stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress)
            stream.avail_in = uInt(inp.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { c in
                    stream.next_out = c.baseAddress
                    stream.avail_out = uInt(c.count)
                    status = deflate(&stream, Z_FINISH)
                    out.append(contentsOf: c[0..<(c.count - Int(stream.avail_out))])
                }
            } while status == Z_OK
        }
        guard status == Z_STREAM_END else { throw FrameError(.io, "gzip compression failed (zlib status \(status))") }
        return out
    }
}
