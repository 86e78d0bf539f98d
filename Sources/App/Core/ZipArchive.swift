import CZlib
import Foundation

/// Reads a .zip file (PKWARE APPNOTE: stored and deflated entries, no encryption, no ZIP64) and
/// extracts chosen entries to a directory, checking each entry's CRC-32 and size. Entries are
/// inflated in chunks, so memory stays small whatever the archive's size; `maxTotal` bounds what
/// an archive may unpack to (a "zip bomb" is refused, not unpacked).
struct ZipArchive {
    struct Entry: Equatable {
        var name: String
        var method: UInt16
        var flags: UInt16
        var crc: UInt32
        var compressedSize: UInt64
        var size: UInt64
        var localHeaderOffset: UInt64
    }

    struct Failure: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    let path: String
    let entries: [Entry]

    init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(reason: "cannot open the archive") }
        defer { try? handle.close() }
        let fileSize = try handle.seekToEnd()
        guard fileSize >= 22 else { throw Failure(reason: "not a zip archive (too short)") }
        // The end-of-central-directory record lies in the last 22 + 65,535 bytes (a comment may follow it).
        let tailStart = fileSize > 65_557 ? fileSize - 65_557 : 0
        try handle.seek(toOffset: tailStart)
        let tail = [UInt8](try handle.readToEnd() ?? Data())
        guard let eocd = stride(from: tail.count - 22, through: 0, by: -1).first(where: { Self.u32(tail, $0) == 0x0605_4B50 }) else {
            throw Failure(reason: "not a zip archive (no central directory)")
        }
        let count = Int(Self.u16(tail, eocd + 10))
        let cdSize = UInt64(Self.u32(tail, eocd + 12)), cdOffset = UInt64(Self.u32(tail, eocd + 16))
        if count == 0xFFFF || cdOffset == 0xFFFF_FFFF { throw Failure(reason: "ZIP64 archives are not supported; split the batch") }
        guard cdOffset + cdSize <= fileSize else { throw Failure(reason: "damaged zip archive (central directory out of range)") }
        try handle.seek(toOffset: cdOffset)
        let cd = [UInt8](try handle.read(upToCount: Int(cdSize)) ?? Data())
        var entries: [Entry] = []
        var at = 0
        for _ in 0..<count {
            guard at + 46 <= cd.count, Self.u32(cd, at) == 0x0201_4B50 else { throw Failure(reason: "damaged zip archive (central directory)") }
            let nameLength = Int(Self.u16(cd, at + 28)), extra = Int(Self.u16(cd, at + 30)), comment = Int(Self.u16(cd, at + 32))
            guard at + 46 + nameLength <= cd.count else { throw Failure(reason: "damaged zip archive (entry name)") }
            let name = String(decoding: cd[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            entries.append(Entry(name: name, method: Self.u16(cd, at + 10), flags: Self.u16(cd, at + 8), crc: Self.u32(cd, at + 16),
                                 compressedSize: UInt64(Self.u32(cd, at + 20)), size: UInt64(Self.u32(cd, at + 24)),
                                 localHeaderOffset: UInt64(Self.u32(cd, at + 42))))
            at += 46 + nameLength + extra + comment
        }
        self.entries = entries
    }

    /// Extracts `entry` to `destination`, refusing it if it would exceed `limit` bytes.
    func extract(_ entry: Entry, to destination: String, limit: UInt64) throws {
        if entry.flags & 1 != 0 { throw Failure(reason: "\(entry.name): encrypted entries are not supported") }
        guard entry.method == 0 || entry.method == 8 else { throw Failure(reason: "\(entry.name): compression method \(entry.method) is not supported (use deflate)") }
        if entry.size > limit { throw Failure(reason: "\(entry.name): unpacks to more than the limit") }
        guard let input = FileHandle(forReadingAtPath: path) else { throw Failure(reason: "cannot open the archive") }
        defer { try? input.close() }
        try input.seek(toOffset: entry.localHeaderOffset)
        let header = [UInt8](try input.read(upToCount: 30) ?? Data())
        guard header.count == 30, Self.u32(header, 0) == 0x0403_4B50 else { throw Failure(reason: "\(entry.name): damaged local header") }
        try input.seek(toOffset: entry.localHeaderOffset + 30 + UInt64(Self.u16(header, 26)) + UInt64(Self.u16(header, 28)))
        guard FileManager.default.createFile(atPath: destination, contents: nil, attributes: [.posixPermissions: 0o600]),
              let output = FileHandle(forWritingAtPath: destination) else { throw Failure(reason: "cannot write a temporary file") }
        defer { try? output.close() }
        var remaining = entry.compressedSize
        var written: UInt64 = 0
        var crc = crc32(0, nil, 0)
        func emit(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            written += UInt64(bytes.count)
            if written > entry.size || written > limit { throw Failure(reason: "\(entry.name): unpacks to more than it declares") }
            crc = crc32(crc, bytes.baseAddress, uInt(bytes.count))
            try output.write(contentsOf: Data(buffer: bytes))
        }
        if entry.method == 0 {
            while remaining > 0 {
                let chunk = [UInt8](try input.read(upToCount: Int(min(remaining, 1 << 20))) ?? Data())
                if chunk.isEmpty { throw Failure(reason: "\(entry.name): archive ends early") }
                remaining -= UInt64(chunk.count)
                try chunk.withUnsafeBufferPointer(emit)
            }
        } else {
            var stream = z_stream()
            guard inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw Failure(reason: "cannot start inflating")
            }
            defer { inflateEnd(&stream) }
            var out = [UInt8](repeating: 0, count: 1 << 18)
            var finished = false
            while !finished {
                var chunk = [UInt8](try input.read(upToCount: Int(min(remaining, 1 << 18))) ?? Data())
                if chunk.isEmpty && remaining > 0 { throw Failure(reason: "\(entry.name): archive ends early") }
                remaining -= UInt64(chunk.count)
                try chunk.withUnsafeMutableBufferPointer { inBuf in
                    stream.next_in = inBuf.baseAddress
                    stream.avail_in = uInt(inBuf.count)
                    repeat {
                        let status = try out.withUnsafeMutableBufferPointer { outBuf -> Int32 in
                            stream.next_out = outBuf.baseAddress
                            stream.avail_out = uInt(outBuf.count)
                            let status = inflate(&stream, Z_NO_FLUSH)
                            guard status == Z_OK || status == Z_STREAM_END || (status == Z_BUF_ERROR && inBuf.isEmpty) else {
                                throw Failure(reason: "\(entry.name): damaged compressed data")
                            }
                            try emit(UnsafeBufferPointer(rebasing: outBuf[0..<(outBuf.count - Int(stream.avail_out))]))
                            return status
                        }
                        if status == Z_STREAM_END { finished = true; break }
                        if status == Z_BUF_ERROR { break }
                    } while stream.avail_out == 0 || stream.avail_in > 0
                }
                if !finished && remaining == 0 && stream.avail_in == 0 && chunk.isEmpty { throw Failure(reason: "\(entry.name): compressed data ends early") }
            }
        }
        guard written == entry.size else { throw Failure(reason: "\(entry.name): unpacked size differs from the archive's") }
        guard UInt32(truncatingIfNeeded: crc) == entry.crc else { throw Failure(reason: "\(entry.name): checksum mismatch (damaged archive)") }
    }

    private static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}
