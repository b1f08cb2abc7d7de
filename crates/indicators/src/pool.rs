//! Interned text: every code, name and identifier of one gemeente's Ketendata is stored once,
//! and rows and items carry a [`Sym`] (a number) instead of a string. This keeps reading and
//! grouping free of allocations per row.

use rustc_hash::FxHashMap;

/// An interned string; `Sym::EMPTY` is the empty string (also for a missing value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Sym(pub u32);

impl Sym {
    pub const EMPTY: Sym = Sym(0);

    pub fn is_empty(self) -> bool {
        self == Sym::EMPTY
    }
}

#[derive(Debug, Clone)]
pub struct Pool {
    ids: FxHashMap<Box<str>, Sym>,
    strings: Vec<Box<str>>,
}

impl Default for Pool {
    fn default() -> Self {
        Pool { ids: FxHashMap::from_iter([("".into(), Sym::EMPTY)]), strings: vec!["".into()] }
    }
}

impl Pool {
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.ids.get(s) {
            return sym;
        }
        let sym = Sym(u32::try_from(self.strings.len()).unwrap_or(u32::MAX));
        self.strings.push(s.into());
        self.ids.insert(s.into(), sym);
        sym
    }

    /// The symbol of a text already interned.
    pub fn find(&self, s: &str) -> Option<Sym> {
        self.ids.get(s).copied()
    }

    pub fn get(&self, sym: Sym) -> &str {
        self.strings.get(sym.0 as usize).map_or("", |s| s)
    }
}
