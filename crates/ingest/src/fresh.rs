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
//! The filter has a fixed size, so its memory does not grow with the input: past
//! [`CAPACITY`] keys it is full, and every key is looked up again.

use ketenzicht_store::ledger::Sleutel;

/// Bits of the filter: 32 MiB, as blocks of one cache line.
const BITS: usize = 1 << 28;

/// Bits of one block: a key sets and tests bits of one block only, one cache line.
const BLOCK_BITS: usize = 512;

/// Bits each key sets within its block.
const PROBES: usize = 6;

/// Keys the filter takes before it is full: ten bits per key, about one false "maybe" in a
/// hundred.
pub(crate) const CAPACITY: usize = BITS / 10;

/// The months a ledger held keys of, and a filter of the keys this run stored in the others.
pub(crate) struct Fresh {
    /// One bit per month since January 1900 (`key_month`): the ledger held a key of it.
    held: Vec<u64>,
    /// Empty when the filter is not used (a ledger with undated keys).
    filter: Vec<u64>,
    keys: usize,
}

impl Fresh {
    /// For a ledger that held keys of `months` (dated keys); `None` for a ledger with undated
    /// keys, whose keys say nothing of their month: every key is looked up.
    pub fn new(months: Option<impl IntoIterator<Item = u16>>) -> Self {
        let mut held = vec![0u64; (usize::from(u16::MAX) + 1) / 64];
        let filter = match months {
            Some(months) => {
                for month in months {
                    held[usize::from(month) / 64] |= 1 << (month % 64);
                }
                vec![0u64; BITS / 64]
            }
            None => Vec::new(),
        };
        Fresh { held, filter, keys: 0 }
    }

    /// The block of `key` (as an index of its first word) and the bits it sets there: from the
    /// key's hash part (bytes 2 to 16, of SHA-256), uniform already.
    fn probes(&self, key: &Sleutel) -> (usize, [usize; PROBES]) {
        let mut hash = [0u8; 16];
        hash[..14].copy_from_slice(&key[2..]);
        let hash = u128::from_le_bytes(hash);
        let blocks = self.filter.len() * 64 / BLOCK_BITS;
        let block = (hash as usize) & (blocks - 1);
        let rest = hash >> blocks.trailing_zeros();
        let bits = std::array::from_fn(|i| ((rest >> (9 * i)) & 0x1ff) as usize);
        (block * BLOCK_BITS / 64, bits)
    }

    fn month_held(&self, key: &Sleutel) -> bool {
        let month = usize::from(u16::from_be_bytes([key[0], key[1]]));
        self.held[month / 64] & (1 << (month % 64)) != 0
    }

    fn usable(&self) -> bool {
        !self.filter.is_empty() && self.keys <= CAPACITY
    }

    /// Whether the ledger surely does not hold `key`, nor does this run have it (stored or
    /// pending): its month was not in the ledger and the filter has not seen it.
    pub fn surely_new(&self, key: &Sleutel) -> bool {
        if !self.usable() || self.month_held(key) {
            return false;
        }
        let (first, bits) = self.probes(key);
        bits.iter().any(|&bit| self.filter[first + bit / 64] & (1 << (bit % 64)) == 0)
    }

    /// Note a key this run stores.
    pub fn insert(&mut self, key: &Sleutel) {
        if !self.usable() || self.month_held(key) {
            return;
        }
        let (first, bits) = self.probes(key);
        for bit in bits {
            self.filter[first + bit / 64] |= 1 << (bit % 64);
        }
        self.keys += 1;
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
        assert_eq!(fresh.keys, 0, "a held month is not filtered");
        let undated = Fresh::new(None::<[u16; 0]>);
        assert!(!undated.surely_new(&key(1499, 1)));
    }

    #[test]
    fn a_full_filter_sends_every_key_to_the_ledger() {
        let mut fresh = Fresh::new(Some([0u16; 0]));
        fresh.keys = CAPACITY;
        assert!(fresh.surely_new(&key(1501, 1)));
        fresh.insert(&key(1501, 1));
        assert!(!fresh.surely_new(&key(1501, 2)), "past capacity nothing is surely new");
    }
}
