import Foundation
import Orbits

/// A max-height pyramid over a raster, in one byte per cell: level 0 is the raster, level l + 1 holds
/// the maximum of each 2×2 block of level l (blocks at the east/north edge of an odd-sized level take
/// the cells that exist), up to a single cell. Heights are stored as codes ⌈h / q⌉ (q = tallest/255,
/// so (code − 1)·q < h ≤ code·q); a block whose code says "below the ray" is certainly clear, a
/// level-0 cell whose code minus one is still above the ray certainly blocks, and only a ray within
/// one code of a roof is checked against the cell's exact height.
/// Each level is laid out in 8×8 tiles of 64 bytes (one cache line), so a ray's neighbouring cells
/// share cache lines. Immutable after construction, so it can be shared between threads.
final class HeightPyramid: @unchecked Sendable {
    /// All levels, level 0 first, tiled.
    let data: UnsafeMutablePointer<UInt8>
    /// Start of each level in `data`.
    let offsets: UnsafeMutablePointer<Int>
    /// Tiles per row of each level.
    let tilesPerRow: UnsafeMutablePointer<Int>
    /// The highest level (a single cell).
    let topLevel: Int
    /// Metres per code.
    let metresPerCode: Double
    /// A copy of the exact heights, row-major (reachable without a closure in the walk).
    let exact: UnsafeMutablePointer<Float>

    /// The code of height h: (code − 1)·q < h ≤ code·q, 0 for h ≤ 0 (q is such that code ≤ 255).
    static func code(_ h: Double, _ q: Double) -> UInt8 {
        guard h > 0 else { return 0 }
        var c = min(255, max(1, (h / q).rounded(.up)))
        while c < 255 && c * q < h { c += 1 }
        while c > 1 && (c - 1) * q >= h { c -= 1 }
        return UInt8(c)
    }

    @inline(__always) static func tiledIndex(_ c: Int, _ r: Int, _ tilesPerRow: Int) -> Int {
        (((r >> 3) * tilesPerRow + (c >> 3)) << 6) | ((r & 7) << 3) | (c & 7)
    }

    init(heights: [Float], width: Int, height: Int, maxHeight: Float) {
        var dims: [(Int, Int)] = [(width, height)]
        while dims.last!.0 > 1 || dims.last!.1 > 1 {
            let (w, h) = dims.last!
            dims.append(((w + 1) / 2, (h + 1) / 2))
        }
        topLevel = dims.count - 1
        offsets = .allocate(capacity: dims.count)
        tilesPerRow = .allocate(capacity: dims.count)
        var n = 0
        for (l, d) in dims.enumerated() {
            offsets[l] = n
            tilesPerRow[l] = (d.0 + 7) / 8
            n += tilesPerRow[l] * ((d.1 + 7) / 8) * 64
        }
        data = .allocate(capacity: n)
        data.initialize(repeating: 0, count: n)
        let q = max(Double(maxHeight), 1e-3) / 255 * (1 + 1e-6)
        metresPerCode = q
        exact = .allocate(capacity: max(heights.count, 1))
        for k in 0 ..< heights.count { exact[k] = heights[k] }
        let base = data, tpr0 = tilesPerRow[0]
        heights.withUnsafeBufferPointer { src in
            for r in 0 ..< height {
                for c in 0 ..< width {
                    let h = Double(src[r * width + c])
                    base[Self.tiledIndex(c, r, tpr0)] = Self.code(h, q)
                }
            }
        }
        for l in 1 ..< dims.count {
            let (pw, ph) = dims[l - 1], (w, h) = dims[l]
            let prev = data + offsets[l - 1], cur = data + offsets[l]
            let ptpr = tilesPerRow[l - 1], tpr = tilesPerRow[l]
            for r in 0 ..< h {
                let r0 = 2 * r, r1 = min(2 * r + 1, ph - 1)
                for c in 0 ..< w {
                    let c0 = 2 * c, c1 = min(2 * c + 1, pw - 1)
                    cur[Self.tiledIndex(c, r, tpr)] = max(max(prev[Self.tiledIndex(c0, r0, ptpr)], prev[Self.tiledIndex(c1, r0, ptpr)]),
                                                          max(prev[Self.tiledIndex(c0, r1, ptpr)], prev[Self.tiledIndex(c1, r1, ptpr)]))
                }
            }
        }
    }

    deinit {
        exact.deallocate()
        data.deallocate()
        offsets.deallocate()
        tilesPerRow.deallocate()
    }
}

extension UrbanScene {
    /// True when the ray from `receiver` towards (`azimuthDeg` clockwise from north, `elevationDeg`
    /// above the horizon) passes through no building before it leaves the raster or rises above the
    /// tallest building. The receiver's own cell is ignored; negative elevations are NLOS.
    public func isLOS(receiver r: SIMD3<Double>, azimuthDeg: Double, elevationDeg: Double) -> Bool {
        guard elevationDeg >= 0 else { return false }
        // Both angles' sines and cosines in one SIMD call (within 2 ulp of libm).
        let sc = SIMDMath.sincos(SIMD4(azimuthDeg * (Double.pi / 180), elevationDeg * (Double.pi / 180), 0, 0))
        let ce = sc.cos[1]
        return isLOS(receiver: r, dx: sc.sin[0] * ce, dy: sc.cos[0] * ce, dz: sc.sin[1])
    }

    /// Direction queries: from a street cell inside the raster through the box index (the same
    /// answer as the cell walk, see ``RectangleIndex``); otherwise the pyramid walk.
    @inline(__always)
    func isLOS(receiver r: SIMD3<Double>, dx: Double, dy: Double, dz: Double) -> Bool {
        let inv = 1 / resolutionMeters
        let ox = (r.x + widthMeters / 2) * inv, oy = (r.y + heightMeters / 2) * inv
        if ox >= 0, oy >= 0, ox < Double(width), oy < Double(height), !rectangles.isBuilt(Int(ox), Int(oy)) {
            return rectangles.isLOS(ox: ox, oy: oy, z0: r.z, dx: dx * inv, dy: dy * inv, dz: dz, width: width, height: height,
                                    maxH: Double(maxHeightMeters))
        }
        return march(ox: ox, oy: oy, z0: r.z, dx: dx * inv, dy: dy * inv, dz: dz, tEnd: .infinity,
                     ignoreEnd: false, usePyramid: true)
    }

    /// The direction form with the direction as an east-north-up vector (any length; it need not be
    /// normalised): what a caller holding a satellite's ENU position has without computing angles.
    /// A downward vector (negative up component) is NLOS.
    public func isLOS(receiver r: SIMD3<Double>, direction d: SIMD3<Double>) -> Bool {
        guard d.z >= 0 else { return false }
        return isLOS(receiver: r, dx: d.x, dy: d.y, dz: d.z)
    }

    /// The direction test by the pyramid walk only (no box index), for checking.
    func isLOSByWalk(receiver r: SIMD3<Double>, azimuthDeg: Double, elevationDeg: Double) -> Bool {
        guard elevationDeg >= 0 else { return false }
        let az = azimuthDeg * (Double.pi / 180), el = elevationDeg * (Double.pi / 180)
        let ce = cos(el), inv = 1 / resolutionMeters
        return march(ox: (r.x + widthMeters / 2) * inv, oy: (r.y + heightMeters / 2) * inv, z0: r.z,
                     dx: sin(az) * ce * inv, dy: cos(az) * ce * inv, dz: sin(el), tEnd: .infinity,
                     ignoreEnd: false, usePyramid: true)
    }

    /// True when the segment between `a` and `b` passes through no building. The cells containing
    /// `a` and `b` are ignored (symmetric in `a` and `b`); a segment reaching below the ground is NLOS.
    public func isLOS(from a: SIMD3<Double>, to b: SIMD3<Double>) -> Bool {
        isLOS(from: a, to: b, usePyramid: true)
    }

    /// The segment test with or without the pyramid (without: a plain Amanatides–Woo cell walk).
    func isLOS(from a: SIMD3<Double>, to b: SIMD3<Double>, usePyramid: Bool) -> Bool {
        guard a.z >= 0, b.z >= 0 else { return false }
        let inv = 1 / resolutionMeters
        return march(ox: (a.x + widthMeters / 2) * inv, oy: (a.y + heightMeters / 2) * inv, z0: a.z,
                     dx: (b.x - a.x) * inv, dy: (b.y - a.y) * inv, dz: b.z - a.z, tEnd: 1,
                     ignoreEnd: true, usePyramid: usePyramid)
    }

    /// The direction test without the pyramid (a plain Amanatides–Woo cell walk), for checking.
    func isLOSWithoutPyramid(receiver r: SIMD3<Double>, azimuthDeg: Double, elevationDeg: Double) -> Bool {
        guard elevationDeg >= 0 else { return false }
        let az = azimuthDeg * (Double.pi / 180), el = elevationDeg * (Double.pi / 180)
        let ce = cos(el), inv = 1 / resolutionMeters
        return march(ox: (r.x + widthMeters / 2) * inv, oy: (r.y + heightMeters / 2) * inv, z0: r.z,
                     dx: sin(az) * ce * inv, dy: cos(az) * ce * inv, dz: sin(el), tEnd: .infinity,
                     ignoreEnd: false, usePyramid: false)
    }

    /// Hierarchical 2-D DDA over the max-height pyramid (see ``RayWalker``), run to the end.
    @inline(__always)
    func march(ox: Double, oy: Double, z0: Double, dx: Double, dy: Double, dz: Double, tEnd: Double,
               ignoreEnd: Bool, usePyramid: Bool) -> Bool {
        var walker = RayWalker(scene: self, ox: ox, oy: oy, z0: z0, dx: dx, dy: dy, dz: dz, tEnd: tEnd,
                               ignoreEnd: ignoreEnd, usePyramid: usePyramid)
        let p = pyramid
        let data = p.data, offsets = p.offsets, tilesPerRow = p.tilesPerRow, exact = UnsafePointer(p.exact)
        while !walker.step(data: data, offsets: offsets, tilesPerRow: tilesPerRow, exact: exact) {}
        return walker.visible
    }
}

/// One ray's walk through the max-height pyramid, resumable step by step.
///
/// The ray is `(ox, oy) + t·(dx, dy)` in cell units (origin at the raster's south-west corner) and
/// `z0 + t·dz` in metres, for t in [0, tEnd]. At each step the walker stands in fine cell (i, j)
/// at parameter tIn and looks at the level-L block containing it: the ray leaves the block at
/// tOut (the nearer of the block's far x and y boundaries), and its lowest height over
/// [tIn, tOut] is at one end. If the block's (upper-bound) code is not above that, the whole block
/// is skipped, and the walker climbs a level when it has entered another parent block; otherwise it
/// descends a level, and a level-0 cell whose exact height is above the ray ends the walk as NLOS
/// (unless it is an ignored endpoint cell). The fine cell after a skip is computed from the exit
/// axis and clamped into the block's range, so the cell indices move monotonically and the walk
/// always terminates. Leaving the raster, passing tEnd, or rising above the tallest building ends
/// it as LOS. With `usePyramid` false it never leaves level 0 (a plain Amanatides–Woo walk).
struct RayWalker {
    var ox = 0.0, oy = 0.0, z0 = 0.0, dx = 0.0, dy = 0.0, dz = 0.0, invDx = 0.0, invDy = 0.0
    var tHi = 0.0, maxH = 0.0, invQ = 0.0, tIn = 0.0
    var w = 0, h = 0, ia = -1, ja = -1, ib = -1, jb = -1, topLevel = 0, i = 0, j = 0, level = 0
    var positiveX = false, positiveY = false
    /// The walk has ended; `visible` is its answer.
    var finished = false
    var visible = false

    /// A walk already ended with the answer `visible`.
    init(decided visible: Bool) {
        finished = true
        self.visible = visible
    }

    @inline(__always)
    init(scene: UrbanScene, ox: Double, oy: Double, z0: Double, dx rawDx: Double, dy rawDy: Double, dz: Double, tEnd: Double,
         ignoreEnd: Bool, usePyramid: Bool) {
        self.init(decided: true)  // LOS unless the walk below is set up
        let w = scene.width, h = scene.height
        let fw = Double(w), fh = Double(h)
        if rawDx == 0 && rawDy == 0 { return }  // a vertical ray (or segment) stays in the ignored endpoint cell(s)
        // A zero component would give 0·∞; a tiny one never crosses a boundary inside the raster.
        let dx = rawDx == 0 ? 1e-30 : rawDx, dy = rawDy == 0 ? 1e-30 : rawDy
        let invDx = 1 / dx, invDy = 1 / dy
        // Clip [0, tEnd] to the raster [0, w] × [0, h].
        let t1 = (0 - ox) * invDx, t2 = (fw - ox) * invDx
        let t3 = (0 - oy) * invDy, t4 = (fh - oy) * invDy
        let tLo = max(0, min(t1, t2), min(t3, t4)), tHi = min(tEnd, max(t1, t2), max(t3, t4))
        guard tLo < tHi else { return }  // never over the raster
        let maxH = Double(scene.maxHeightMeters)
        if dz >= 0 ? z0 + tLo * dz >= maxH : z0 + tHi * dz >= maxH { return }
        @inline(__always) func cellIndex(_ v: Double, _ n: Int) -> Int {
            v < 1 ? 0 : (v >= Double(n) ? n - 1 : Int(v))  // v ≥ 0 here, so truncation is the floor
        }
        (self.ox, self.oy, self.z0, self.dx, self.dy, self.dz) = (ox, oy, z0, dx, dy, dz)
        (self.invDx, self.invDy, self.tHi, self.maxH, self.tIn) = (invDx, invDy, tHi, maxH, tLo)
        self.invQ = 1 / scene.pyramid.metresPerCode
        (self.w, self.h) = (w, h)
        i = cellIndex(ox + tLo * dx, w)
        j = cellIndex(oy + tLo * dy, h)
        if tLo == 0 { ia = i; ja = j }
        if ignoreEnd {
            let ex = ox + tEnd * dx, ey = oy + tEnd * dy
            if ex >= 0, ey >= 0, ex < fw, ey < fh { ib = Int(ex); jb = Int(ey) }
        }
        positiveX = dx > 0
        positiveY = dy > 0
        topLevel = usePyramid ? scene.pyramid.topLevel : 0
        finished = false
    }

    /// One step of the walk; true when it has ended (then `visible` is the answer).
    @inline(__always)
    mutating func step(data: UnsafeMutablePointer<UInt8>, offsets: UnsafeMutablePointer<Int>, tilesPerRow: UnsafeMutablePointer<Int>,
                       exact: UnsafePointer<Float>) -> Bool {
        if finished { return true }
        let bi = i >> level, bj = j >> level
        let nxb = positiveX ? (bi + 1) << level : bi << level
        let nyb = positiveY ? (bj + 1) << level : bj << level
        let tx = (Double(nxb) - ox) * invDx
        let ty = (Double(nyb) - oy) * invDy
        let tOut = min(tx, ty)
        let zMin = dz >= 0 ? z0 + tIn * dz : z0 + min(tOut, tHi) * dz
        let code = data[offsets[level] + HeightPyramid.tiledIndex(bi, bj, tilesPerRow[level])]
        if Double(code) > zMin * invQ {
            if level > 0 {
                level -= 1
                return false
            }
            // (code − 1)·q < h ≤ code·q: when (code − 1)·q ≥ zMin the cell blocks; otherwise the
            // exact height decides. Then the ignored endpoint cells.
            if (Double(code) - 1 >= zMin * invQ || Double(exact[j * w + i]) > zMin) && !((i == ia && j == ja) || (i == ib && j == jb)) {
                finished = true; visible = false
                return true
            }
        }
        // Skip the block.
        if tOut >= tHi { finished = true; visible = true; return true }
        tIn = tOut
        if tx <= ty {
            i = positiveX ? nxb : nxb - 1
            if i < 0 || i >= w { finished = true; visible = true; return true }
            // Truncation: only a value in (−1, 0) rounds the wrong way, and the clamp fixes it.
            let y = Int(max(oy + tOut * dy, -1))
            if positiveY {
                j = min(max(y, j), min(((bj + 1) << level) - 1, h - 1))
            } else {
                j = max(min(y, j), bj << level)
            }
        } else {
            j = positiveY ? nyb : nyb - 1
            if j < 0 || j >= h { finished = true; visible = true; return true }
            let x = Int(max(ox + tOut * dx, -1))
            if positiveX {
                i = min(max(x, i), min(((bi + 1) << level) - 1, w - 1))
            } else {
                i = max(min(x, i), bi << level)
            }
        }
        if dz >= 0 && z0 + tIn * dz >= maxH { finished = true; visible = true; return true }
        // Climb a level when the walk has entered another parent block (the one it was in had
        // failed, or it would not be at this level).
        if level < topLevel && ((i >> (level + 1)) != (bi >> 1) || (j >> (level + 1)) != (bj >> 1)) { level += 1 }
        return false
    }
}
