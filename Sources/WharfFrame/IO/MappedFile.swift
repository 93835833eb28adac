#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's bytes mapped read-only into memory, for readers that take a whole file at once: the pages come
/// from the page cache as they are touched, with no copy and no buffer to zero first.
final class MappedFile {
    let bytes: UnsafeBufferPointer<UInt8>

    /// Nil when the file cannot be mapped (the caller then reads it).
    init?(path: String, size: Int) {
        guard size > 0 else { return nil }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else { return nil }
        bytes = UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: size)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress!), bytes.count) }
}
