import Foundation

/// The raster's buildings as axis-aligned boxes of constant height, bucketed on a coarse grid, for
/// fast direction queries from street level.
///
/// The boxes are a greedy decomposition of the raster: runs of equal height along a row, grown
/// northwards while the rows above repeat the run. They cover exactly the cells with height > 0, so
/// a generated P.1410 city becomes one box per building. A ray blocks on a box exactly when it would
/// block on the first of the box's cells it enters in the cell walk (the walk's rule: a cell blocks
/// when the ray's lowest height over it is strictly below the cell's height, and a rising ray is
/// lowest where it enters), so the answer equals ``RayWalker``'s; and because the answer is "some
/// box blocks", boxes can be tested in any order and the first blocker ends the query.
///
/// Boxes are listed in every bucket they overlap; a ray visits the buckets it crosses (a 2-D
/// Amanatides–Woo walk over buckets) until it leaves the raster or rises above the tallest building.
final class RectangleIndex: @unchecked Sendable {
    /// Number of boxes.
    let boxCount: Int
    /// One bit per cell, row-major: set where the cell is a building (height > 0). 4 M cells take
    /// 512 KiB, so the own-cell check of a query rarely misses the cache.
    let builtBits: UnsafeMutablePointer<UInt64>
    let rasterWidth: Int

    /// True when cell (c, r) has a building.
    @inline(__always) func isBuilt(_ c: Int, _ r: Int) -> Bool {
        let k = r * rasterWidth + c
        return builtBits[k >> 6] & (1 << UInt64(k & 63)) != 0
    }
    /// Bucket side, cells; buckets per row and column.
    let bucket: Int
    let bucketsX: Int, bucketsY: Int
    /// CSR lists: the boxes of bucket b are `items[starts[b] ..< starts[b + 1]]`, each a copy of the
    /// box (x0, y0, x1, y1 in cells, height in metres, then padding), so a bucket's boxes are
    /// contiguous in memory.
    let starts: UnsafeMutablePointer<Int32>
    let items: UnsafeMutablePointer<SIMD8<Float>>

    init(heights: [Float], width: Int, height: Int, bucket: Int = 32) {
        var boxes: [(Int, Int, Int, Int, Float)] = []
        var used = [Bool](repeating: false, count: width * height)
        for r in 0 ..< height {
            var c = 0
            while c < width {
                let h = heights[r * width + c]
                if h <= 0 || used[r * width + c] { c += 1; continue }
                var c1 = c + 1
                while c1 < width && heights[r * width + c1] == h && !used[r * width + c1] { c1 += 1 }
                var r1 = r + 1
                grow: while r1 < height {
                    for k in c ..< c1 where heights[r1 * width + k] != h || used[r1 * width + k] { break grow }
                    r1 += 1
                }
                for rr in r ..< r1 { for k in c ..< c1 { used[rr * width + k] = true } }
                boxes.append((c, r, c1, r1, h))
                c = c1
            }
        }
        boxCount = boxes.count
        rasterWidth = width
        let words = (width * height + 63) / 64
        builtBits = .allocate(capacity: max(1, words))
        builtBits.initialize(repeating: 0, count: max(1, words))
        for k in 0 ..< width * height where heights[k] > 0 { builtBits[k >> 6] |= 1 << UInt64(k & 63) }
        self.bucket = bucket
        bucketsX = (width + bucket - 1) / bucket
        bucketsY = (height + bucket - 1) / bucket
        let n = bucketsX * bucketsY
        var counts = [Int32](repeating: 0, count: n + 1)
        for b in boxes {
            for by in b.1 / bucket ... (b.3 - 1) / bucket { for bx in b.0 / bucket ... (b.2 - 1) / bucket { counts[by * bucketsX + bx + 1] += 1 } }
        }
        for k in 0 ..< n { counts[k + 1] += counts[k] }
        starts = .allocate(capacity: n + 1)
        for k in 0 ... n { starts[k] = counts[k] }
        items = .allocate(capacity: max(1, Int(counts[n])))
        var fill = Array(counts[0 ..< n])
        for b in boxes {
            let record = SIMD8<Float>(Float(b.0), Float(b.1), Float(b.2), Float(b.3), b.4, 0, 0, 0)
            for by in b.1 / bucket ... (b.3 - 1) / bucket {
                for bx in b.0 / bucket ... (b.2 - 1) / bucket {
                    let slot = by * bucketsX + bx
                    items[Int(fill[slot])] = record
                    fill[slot] += 1
                }
            }
        }
    }

    deinit {
        starts.deallocate(); items.deallocate(); builtBits.deallocate()
    }

    /// LOS of the rising ray `(ox, oy) + t·(dx, dy)` (cells), `z0 + t·dz` (metres, dz ≥ 0), t ≥ 0,
    /// starting in a street cell of the `width` × `height` raster, until it leaves the raster or
    /// reaches `maxH`.
    @inline(__always)
    func isLOS(ox: Double, oy: Double, z0: Double, dx rawDx: Double, dy rawDy: Double, dz: Double,
               width: Int, height: Int, maxH: Double) -> Bool {
        if rawDx == 0 && rawDy == 0 { return true }
        let dx = rawDx == 0 ? 1e-30 : rawDx, dy = rawDy == 0 ? 1e-30 : rawDy
        let invDx = 1 / dx, invDy = 1 / dy
        // Where the ray leaves the raster, and where it rises above the tallest building.
        let tx = ((dx > 0 ? Double(width) : 0) - ox) * invDx
        let ty = ((dy > 0 ? Double(height) : 0) - oy) * invDy
        var tStop = min(tx, ty)
        if dz > 0 { tStop = min(tStop, (maxH - z0) / dz) }
        if tStop <= 0 { return true }
        // Bucket walk.
        let fb = Double(bucket)
        var bx = min(max(Int(ox / fb), 0), bucketsX - 1), by = min(max(Int(oy / fb), 0), bucketsY - 1)
        let stepX = dx > 0 ? 1 : -1, stepY = dy > 0 ? 1 : -1
        var tNextX = (Double(dx > 0 ? bx + 1 : bx) * fb - ox) * invDx
        var tNextY = (Double(dy > 0 ? by + 1 : by) * fb - oy) * invDy
        let tDeltaX = fb * abs(invDx), tDeltaY = fb * abs(invDy)
        let items = self.items, starts = self.starts
        while true {
            let b = by * bucketsX + bx
            var k = Int(starts[b])
            let end = Int(starts[b + 1])
            while k < end {
                let box = items[k]
                k += 1
                // Slab test: the ray's parameter interval over the box's interior.
                let ax = (Double(box[0]) - ox) * invDx, bxx = (Double(box[2]) - ox) * invDx
                let ay = (Double(box[1]) - oy) * invDy, byy = (Double(box[3]) - oy) * invDy
                let tEnter = max(min(ax, bxx), min(ay, byy))
                let tExit = min(max(ax, bxx), max(ay, byy))
                if tEnter < tExit && tExit > 0 && tEnter < tStop && Double(box[4]) > z0 + max(tEnter, 0) * dz { return false }
            }
            if tNextX < tNextY {
                if tNextX >= tStop { return true }
                bx += stepX
                if bx < 0 || bx >= bucketsX { return true }
                tNextX += tDeltaX
            } else {
                if tNextY >= tStop { return true }
                by += stepY
                if by < 0 || by >= bucketsY { return true }
                tNextY += tDeltaY
            }
        }
    }
}
