//! Message keys that are surely new, told without asking the ledger.
//!
//! A message key leads with the month of its Dagtekening (`dated_key`). The ledger holds no
//! key of a month it held none of when the run began, except those this run stores: the store
//! is locked while a run writes. This run's keys of such months go into a Bloom filter; a key
//! of such a month that the filter has not seen is new, and the storing thread takes it without
//! a lookup in the ledger's index (a fifth of its own work for a first load, 2026-12-05). Any
//! other key is looked up as before: a month the ledger held already (traffic that comes in
//! every day), a key the filter may have seen, and every key of a ledger with undated keys.
//!
//! The filter grows in two levels, so that its memory follows the input: a first filter of
//! 2 MiB, enough for 1.7 million keys (a regio over two years), and once that is full a second
//! of 32 MiB. (A fixed filter of 32 MiB was faulted in whole by any input, its keys spread
//! over all of it: memory that is expensive to touch first, 2026-12-06.) Past 28 million keys
//! both are full, and every key is looked up again.

use ketenzicht_store::ledger::Sleutel;

/// Bits of each level of the filter, in blocks of one cache line: 2 MiB, then 32 MiB.
const LEVEL_BITS: [usize; 2] = [1 << 24, 1 << 28];

/// Bits of one block: a key sets and tests bits of one block only, one cache line.
const BLOCK_BITS: usize = 512;

/// Bits each key sets within its block.
const PROBES: usize = 6;

/// Bits per key a level takes before it is full: about one false "maybe" in a hundred.
const BITS_PER_KEY: usize = 10;

/// The months a ledger held keys of, and a filter of the keys this run stored in the others.
pub(crate) struct Fresh {
    /// One bit per month since January 1900 (`key_month`): the ledger held a key of it.
    held: Vec<u64>,
    /// The filter's levels so far, the last one being filled; none when the filter is not
    /// used (a ledger with undated keys).
    levels: Vec<Level>,
}

/// One level of the filter: a blocked Bloom filter.
struct Level {
    words: Vec<u64>,
    keys: usize,
}

impl Level {
    fn new(bits: usize) -> Self {
        Level { words: vec![0u64; bits / 64], keys: 0 }
    }

    fn full(&self) -> bool {
        self.keys >= self.words.len() * 64 / BITS_PER_KEY
    }

    /// The block of `hash` (as an index of its first word) and the bits it sets there.
    fn probes(&self, hash: u128) -> (usize, [usize; PROBES]) {
        let blocks = self.words.len() * 64 / BLOCK_BITS;
        let block = (hash as usize) & (blocks - 1);
        let rest = hash >> blocks.trailing_zeros();
        let bits = std::array::from_fn(|i| ((rest >> (9 * i)) & 0x1ff) as usize);
        (block * BLOCK_BITS / 64, bits)
    }

    fn may_hold(&self, hash: u128) -> bool {
        let (first, bits) = self.probes(hash);
        bits.iter().all(|&bit| self.words[first + bit / 64] & (1 << (bit % 64)) != 0)
    }

    fn insert(&mut self, hash: u128) {
        let (first, bits) = self.probes(hash);
        for bit in bits {
            self.words[first + bit / 64] |= 1 << (bit % 64);
        }
        self.keys += 1;
    }
}

impl Fresh {
    /// For a ledger that held keys of `months` (dated keys); `None` for a ledger with undated
    /// keys, whose keys say nothing of their month: every key is looked up.
    pub fn new(months: Option<impl IntoIterator<Item = u16>>) -> Self {
        let mut held = vec![0u64; (usize::from(u16::MAX) + 1) / 64];
        let levels = match months {
            Some(months) => {
                for month in months {
                    held[usize::from(month) / 64] |= 1 << (month % 64);
                }
                vec![Level::new(LEVEL_BITS[0])]
            }
            None => Vec::new(),
        };
        Fresh { held, levels }
    }

    /// The key's hash part (bytes 2 to 16, of SHA-256), uniform already.
    fn hash(key: &Sleutel) -> u128 {
        let mut hash = [0u8; 16];
        hash[..14].copy_from_slice(&key[2..]);
        u128::from_le_bytes(hash)
    }

    fn month_held(&self, key: &Sleutel) -> bool {
        let month = usize::from(u16::from_be_bytes([key[0], key[1]]));
        self.held[month / 64] & (1 << (month % 64)) != 0
    }

    /// In use, and not full: the last level takes keys.
    fn usable(&self) -> bool {
        self.levels.last().is_some_and(|level| !level.full())
    }

    /// Whether the ledger surely does not hold `key`, nor does this run have it (stored or
    /// pending): its month was not in the ledger and no level of the filter has seen it.
    pub fn surely_new(&self, key: &Sleutel) -> bool {
        if !self.usable() || self.month_held(key) {
            return false;
        }
        let hash = Self::hash(key);
        !self.levels.iter().any(|level| level.may_hold(hash))
    }

    /// Note a key this run stores.
    pub fn insert(&mut self, key: &Sleutel) {
        if !self.usable() || self.month_held(key) {
            return;
        }
        let hash = Self::hash(key);
        if let Some(level) = self.levels.last_mut() {
            level.insert(hash);
            if level.full() && self.levels.len() < LEVEL_BITS.len() {
                self.levels.push(Level::new(LEVEL_BITS[self.levels.len()]));
            }
        }
    }

    /// The keys the filter took.
    #[cfg(test)]
    fn keys(&self) -> usize {
        self.levels.iter().map(|level| level.keys).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ketenzicht_store::ledger::{dated_key, undated_key};

    fn key(month: u16, i: usize) -> Sleutel {
        dated_key(month, undated_key(&format!("bericht {i}")))
    }

    #[test]
    fn a_key_stored_by_the_run_is_never_taken_for_new() {
        let mut fresh = Fresh::new(Some([1500u16]));
        let keys: Vec<Sleutel> = (0..50_000).map(|i| key(1501, i)).collect();
        assert!(keys.iter().all(|k| fresh.surely_new(k)), "an empty filter has seen nothing");
        for k in &keys {
            fresh.insert(k);
        }
        assert!(keys.iter().all(|k| !fresh.surely_new(k)), "no false negatives");
        // Keys not inserted are new, but for about one in a hundred.
        let maybe = (50_000..150_000).filter(|&i| !fresh.surely_new(&key(1501, i))).count();
        assert!(maybe < 200, "{maybe} of 100,000 unseen keys taken for maybe stored");
    }

    #[test]
    fn months_the_ledger_held_and_undated_ledgers_are_always_looked_up() {
        let mut fresh = Fresh::new(Some([1500u16, 65_535]));
        assert!(!fresh.surely_new(&key(1500, 1)));
        assert!(!fresh.surely_new(&key(65_535, 1)));
        assert!(fresh.surely_new(&key(1499, 1)));
        fresh.insert(&key(1500, 1));
        assert_eq!(fresh.keys(), 0, "a held month is not filtered");
        let undated = Fresh::new(None::<[u16; 0]>);
        assert!(!undated.surely_new(&key(1499, 1)));
    }

    #[test]
    fn a_full_first_level_opens_the_second_and_keeps_its_keys() {
        let mut fresh = Fresh::new(Some([0u16; 0]));
        let first: Vec<Sleutel> = (0..1_000).map(|i| key(1501, i)).collect();
        for k in &first {
            fresh.insert(k);
        }
        fresh.levels[0].keys = LEVEL_BITS[0] / BITS_PER_KEY - 1;
        fresh.insert(&key(1501, 1_000));
        assert_eq!(fresh.levels.len(), 2, "the first level is full");
        fresh.insert(&key(1501, 1_001));
        assert_eq!(fresh.levels[1].keys, 1, "new keys go into the second level");
        assert!((0..1_002).all(|i| !fresh.surely_new(&key(1501, i))), "no false negatives across levels");
        assert!(fresh.surely_new(&key(1501, 5_000)));
    }

    #[test]
    fn a_full_filter_sends_every_key_to_the_ledger() {
        let mut fresh = Fresh::new(Some([0u16; 0]));
        fresh.levels[0].keys = LEVEL_BITS[0] / BITS_PER_KEY - 1;
        fresh.insert(&key(1501, 0));
        fresh.levels[1].keys = LEVEL_BITS[1] / BITS_PER_KEY - 1;
        assert_eq!(fresh.keys() + 2, (LEVEL_BITS[0] + LEVEL_BITS[1]) / BITS_PER_KEY, "28 million keys");
        assert!(fresh.surely_new(&key(1501, 1)));
        fresh.insert(&key(1501, 1));
        assert_eq!(fresh.levels.len(), 2, "no third level");
        assert!(!fresh.surely_new(&key(1501, 2)), "past capacity nothing is surely new");
    }
}
