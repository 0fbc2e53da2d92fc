/// One pending event in the queue: its time and where its payload lives (16 bytes).
@usableFromInline struct QueueEntry {
    /// Firing time in ns since the scenario epoch (never negative).
    @usableFromInline var time: Int64
    /// Slot of the payload in the scheduler's slot table.
    @usableFromInline var slot: UInt32
    /// Generation of the slot when scheduled; a mismatch means the event was cancelled.
    @usableFromInline var generation: UInt32

    @inlinable init(time: Int64, slot: UInt32, generation: UInt32) {
        self.time = time
        self.slot = slot
        self.generation = generation
    }
}

/// What the scheduler knows about one slot of its slot table (16 bytes).
@usableFromInline struct SlotRecord {
    /// Tie-break key: priority (biased to unsigned, high 16 bits) then insertion sequence (low 48 bits).
    @usableFromInline var order: UInt64
    /// Bumped whenever the slot is freed, so stale handles and queue entries can be recognised.
    @usableFromInline var generation: UInt32
    /// `free`, `oneShot` or `periodic`.
    @usableFromInline var state: UInt32

    @usableFromInline static var free: UInt32 { 0 }
    @usableFromInline static var oneShot: UInt32 { 1 }
    @usableFromInline static var periodic: UInt32 { 2 }

    @inlinable init(order: UInt64, generation: UInt32, state: UInt32) {
        self.order = order
        self.generation = generation
        self.state = state
    }
}

/// An entry of the equal-time heap, with its tie-break key.
@usableFromInline struct OrderedEntry {
    /// Priority (biased to unsigned, high 16 bits) then insertion sequence (low 48 bits).
    @usableFromInline var order: UInt64
    @usableFromInline var entry: QueueEntry

    @inlinable init(order: UInt64, entry: QueueEntry) {
        self.order = order
        self.entry = entry
    }
}

/// A monotone priority queue of events: a radix heap (Ahuja, Mehlhorn, Orlin & Tarjan 1990) with
/// radix 256 over 64-bit times — a hierarchical timing wheel without a fixed tick — plus a binary
/// heap on (priority, sequence) for the events at the current minimum time.
///
/// A discrete-event simulation never schedules before the current time, so every key is at least
/// `last`, the most recently extracted minimum. An entry with time `t ≠ last` lives at level
/// `L` = the highest base-256 digit (byte) where `t` and `last` differ, in the bucket of `t`'s
/// digit `d` there: bucket `1 + 256·L + d`. Keys in bucket (L, d) share every digit above L with
/// `last`, so bucket numbers increase with keys and the lowest non-empty bucket (a 2048-bit
/// occupancy map with a summary word) holds the minimum. When the equal-time heap is empty, that
/// bucket's minimum becomes `last` and the bucket is redistributed into lower levels in one
/// sequential pass. An entry moves at most 7 times, on the hold model about 1.3 times, with no
/// unpredictable comparisons: it beats binary and 4-ary heaps there.
///
/// Entries carry only (time, slot, generation); the tie-break order of an entry is read from the
/// scheduler's slot table (`slotTable`) when the entry joins the equal-time heap, the only place
/// that compares it. (A cancelled entry may read a reused slot's order; it is discarded unread.)
///
/// Invariants (checked by `checkInvariants()` in debug builds): every entry of bucket b ≥ 1 has
/// `bucketIndex(time) == b` and `buckets[b].minTime` is the smallest of their times; the
/// equal-time heap holds exactly the entries with `time == last`, heap-ordered by `order`; bit
/// b−1 of the occupancy map is set iff bucket b ≥ 1 is non-empty.
@usableFromInline struct EventQueue {
    @usableFromInline struct Bucket {
        @usableFromInline var entries: UnsafeMutablePointer<QueueEntry>
        @usableFromInline var count: Int
        @usableFromInline var capacity: Int
        @usableFromInline var minTime: Int64
    }

    /// log2 of the bits per digit: 3 gives 8 levels of 256 buckets. On the hold benchmark radix 256
    /// moves an entry ~1.3 times (radix 16: ~2.6), runs ~13% fewer instructions per event and
    /// measured ~12% faster at 1,000 pending (no slower at 100,000).
    @usableFromInline static var digitBitsShift: Int { 3 }
    @usableFromInline static var digitBits: Int { 1 << digitBitsShift }
    @usableFromInline static var digitMask: UInt64 { (1 << UInt64(digitBits)) - 1 }
    @usableFromInline static var levels: Int { 64 / digitBits }
    /// Bucket 0 is unused (the equal-time heap stands in for it); buckets 1... are the radix buckets.
    @usableFromInline static var bucketCount: Int { 1 + levels << digitBits }
    @usableFromInline static var occupancyWords: Int { (bucketCount - 1 + 63) / 64 }

    @usableFromInline var buckets: UnsafeMutablePointer<Bucket>
    /// Bit b−1 set iff bucket b ≥ 1 is non-empty.
    @usableFromInline var occupied: UnsafeMutablePointer<UInt64>
    /// Bit w set iff `occupied[w]` is non-zero.
    @usableFromInline var occupiedWords: UInt64 = 0
    /// The entries at time `last`, a binary min-heap on `order`.
    @usableFromInline var current: UnsafeMutablePointer<OrderedEntry>
    @usableFromInline var currentCount = 0
    @usableFromInline var currentCapacity = 16
    /// The scheduler's slot table, read for tie-break keys.
    @usableFromInline var slotTable: UnsafeMutablePointer<SlotRecord>
    @usableFromInline var last: Int64 = 0
    @usableFromInline var count: Int = 0

    @usableFromInline init(slotTable: UnsafeMutablePointer<SlotRecord>) {
        self.slotTable = slotTable
        occupied = .allocate(capacity: Self.occupancyWords)
        occupied.initialize(repeating: 0, count: Self.occupancyWords)
        current = .allocate(capacity: currentCapacity)
        buckets = .allocate(capacity: Self.bucketCount)
        for b in 0 ..< Self.bucketCount {
            let capacity = 0  // grown on first use: most of the 2,048 buckets never hold an entry
            (buckets + b).initialize(to: Bucket(entries: .allocate(capacity: capacity), count: 0, capacity: capacity, minTime: .max))
        }
    }

    /// Frees the storage; the owner (the scheduler) calls this once, from its deinit. The struct is
    /// not copied anywhere, so its pointers have a single owner.
    @usableFromInline func deallocate() {
        for b in 0 ..< Self.bucketCount { buckets[b].entries.deallocate() }
        buckets.deinitialize(count: Self.bucketCount)
        buckets.deallocate()
        occupied.deallocate()
        current.deallocate()
    }

    @inlinable @inline(__always) func bucketIndex(_ time: Int64) -> Int {
        let x = UInt64(bitPattern: time) ^ UInt64(bitPattern: last)
        if x == 0 { return 0 }
        let level = (63 &- x.leadingZeroBitCount) &>> Self.digitBitsShift
        let digit = Int(truncatingIfNeeded: (UInt64(bitPattern: time) &>> UInt64(level &<< Self.digitBitsShift)) & Self.digitMask)
        return 1 &+ (level &<< Self.digitBits) &+ digit
    }

    @inlinable @inline(__always) mutating func markOccupied(_ b: Int) {
        let bit = b &- 1
        occupied[bit &>> 6] |= 1 &<< UInt64(bit & 63)
        occupiedWords |= 1 &<< UInt64(bit &>> 6)
    }

    @inlinable @inline(__always) mutating func clearOccupied(_ b: Int) {
        let bit = b &- 1
        let w = bit &>> 6
        occupied[w] &= ~(1 &<< UInt64(bit & 63))
        if occupied[w] == 0 { occupiedWords &= ~(1 &<< UInt64(w)) }
    }

    /// The lowest non-empty bucket ≥ 1, or 0 if there is none.
    @inlinable @inline(__always) var lowestOccupied: Int {
        if occupiedWords == 0 { return 0 }
        let w = occupiedWords.trailingZeroBitCount
        return 1 &+ 64 &* w &+ occupied[w].trailingZeroBitCount
    }

    /// Inserts an entry; its time must be ≥ the time of the last extracted entry.
    @inlinable mutating func push(_ e: QueueEntry) {
        precondition(e.time >= last, "event queue is monotone: cannot insert before the last extracted time")
        count &+= 1
        let b = bucketIndex(e.time)
        if b == 0 { pushCurrent(e) } else { append(e, to: b) }
    }

    /// Appends to bucket b ≥ 1, keeping its minimum and the occupancy map.
    @inlinable @inline(__always) mutating func append(_ e: QueueEntry, to b: Int) {
        let bucket = buckets + b
        let n = bucket.pointee.count
        if n == bucket.pointee.capacity { grow(b) }
        bucket.pointee.entries[n] = e
        bucket.pointee.count = n &+ 1
        if n == 0 {
            bucket.pointee.minTime = e.time
            markOccupied(b)
        } else if e.time < bucket.pointee.minTime {
            bucket.pointee.minTime = e.time
        }
    }

    /// Moves the radix origin of an empty queue (e.g. back to the clock after cancelled entries
    /// beyond it were discarded).
    @inlinable mutating func resetOrigin(to time: Int64) {
        precondition(count == 0, "only an empty queue can move its origin")
        last = time
    }

    /// Removes and returns the first entry in (time, order) if its time is ≤ `limit`; otherwise
    /// (or when empty) returns `nil` and leaves the queue as it was.
    @inlinable mutating func popMin(notAfter limit: Int64) -> QueueEntry? {
        if currentCount == 0 {
            let b = lowestOccupied
            if b == 0 || buckets[b].minTime > limit { return nil }
            if buckets[b].count == 1 {
                // Common case: the lowest bucket holds one entry, which is the minimum.
                let e = buckets[b].entries[0]
                buckets[b].count = 0
                buckets[b].minTime = .max
                clearOccupied(b)
                last = e.time
                count &-= 1
                return e
            }
            refill(b)
        } else if last > limit {
            return nil
        }
        count &-= 1
        return popCurrent()
    }

    /// Empties bucket `b` (the lowest non-empty one) into lower ones, advancing `last` to its minimum.
    @usableFromInline mutating func refill(_ b: Int) {
        let source = buckets[b]
        buckets[b].count = 0
        buckets[b].minTime = .max
        clearOccupied(b)
        last = source.minTime
        for k in 0 ..< source.count {
            let e = source.entries[k]
            let target = bucketIndex(e.time)
            if target == 0 { pushCurrent(e) } else { append(e, to: target) }
        }
    }

    @usableFromInline mutating func grow(_ b: Int) {
        let old = buckets[b]
        let capacity = Swift.max(8, old.capacity * 2)
        let p = UnsafeMutablePointer<QueueEntry>.allocate(capacity: capacity)
        p.moveInitialize(from: old.entries, count: old.count)
        old.entries.deallocate()
        buckets[b].entries = p
        buckets[b].capacity = capacity
    }

    @usableFromInline mutating func growCurrent() {
        let p = UnsafeMutablePointer<OrderedEntry>.allocate(capacity: currentCapacity * 2)
        p.moveInitialize(from: current, count: currentCount)
        current.deallocate()
        current = p
        currentCapacity *= 2
    }

    // The equal-time heap: a binary min-heap on `order`.

    @inlinable mutating func pushCurrent(_ e: QueueEntry) {
        if currentCount == currentCapacity { growCurrent() }
        let item = OrderedEntry(order: slotTable[Int(e.slot)].order, entry: e)
        let h = current
        var i = currentCount
        currentCount = i &+ 1
        while i > 0 {
            let parent = (i &- 1) &>> 1
            if h[parent].order <= item.order { break }
            h[i] = h[parent]
            i = parent
        }
        h[i] = item
    }

    @inlinable mutating func popCurrent() -> QueueEntry {
        let h = current
        let top = h[0].entry
        let n = currentCount &- 1
        currentCount = n
        if n > 0 { Self.siftDownByOrder(h, count: n, from: 0, moving: h[n]) }
        return top
    }

    @usableFromInline static func siftDownByOrder(_ h: UnsafeMutablePointer<OrderedEntry>, count n: Int, from start: Int, moving: OrderedEntry) {
        var i = start
        while true {
            var child = 2 * i + 1
            if child >= n { break }
            if child + 1 < n, h[child + 1].order < h[child].order { child += 1 }
            if h[child].order >= moving.order { break }
            h[i] = h[child]
            i = child
        }
        h[i] = moving
    }

    /// Visits every entry (in no particular order).
    @usableFromInline func forEach(_ body: (QueueEntry) -> Void) {
        for k in 0 ..< currentCount { body(current[k].entry) }
        for b in 1 ..< Self.bucketCount {
            let bucket = buckets[b]
            for k in 0 ..< bucket.count { body(bucket.entries[k]) }
        }
    }

    /// Drops the entries for which `isStale` is true and restores the invariants. O(n).
    @usableFromInline mutating func removeAll(where isStale: (QueueEntry) -> Bool) {
        occupied.update(repeating: 0, count: Self.occupancyWords)
        occupiedWords = 0
        count = 0
        for b in 1 ..< Self.bucketCount {
            let bucket = buckets + b
            var kept = 0
            var minTime = Int64.max
            for k in 0 ..< bucket.pointee.count {
                let e = bucket.pointee.entries[k]
                if isStale(e) { continue }
                bucket.pointee.entries[kept] = e
                kept += 1
                minTime = Swift.min(minTime, e.time)
            }
            bucket.pointee.count = kept
            bucket.pointee.minTime = minTime
            count += kept
            if kept > 0 { markOccupied(b) }
        }
        var kept = 0
        for k in 0 ..< currentCount where !isStale(current[k].entry) {
            current[kept] = current[k]
            kept += 1
        }
        currentCount = kept
        count += kept
        // Re-heapify the equal-time heap (Floyd).
        if kept > 1 {
            var i = (kept - 2) / 2
            while i >= 0 {
                Self.siftDownByOrder(current, count: kept, from: i, moving: current[i])
                i -= 1
            }
        }
    }

    /// Debug-build check of the invariants in the type's documentation.
    func checkInvariants() {
        #if DEBUG
        var total = currentCount
        for k in 0 ..< currentCount {
            precondition(current[k].entry.time == last, "equal-time heap holds time \(current[k].entry.time) ≠ last \(last)")
            if k > 0 { precondition(current[(k - 1) / 2].order <= current[k].order, "equal-time heap order violated at \(k)") }
        }
        for b in 1 ..< Self.bucketCount {
            let bucket = buckets[b]
            total += bucket.count
            var minTime = Int64.max
            for k in 0 ..< bucket.count {
                let e = bucket.entries[k]
                precondition(bucketIndex(e.time) == b, "entry at time \(e.time) in bucket \(b), belongs in \(bucketIndex(e.time))")
                minTime = Swift.min(minTime, e.time)
            }
            precondition(bucket.minTime == minTime, "bucket \(b) minTime \(bucket.minTime), actual \(minTime)")
            let bit = (occupied[(b - 1) >> 6] >> UInt64((b - 1) & 63)) & 1
            precondition(bit == (bucket.count > 0 ? 1 : 0), "occupancy bit of bucket \(b) wrong")
        }
        precondition(total == count, "count \(count) but \(total) entries")
        #endif
    }
}
