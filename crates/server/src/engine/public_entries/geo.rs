//! Country lookups by address, for the `countries_allowed` rule when no trusted proxy header
//! says where the entrant is.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Where an address is, as an ISO 3166-1 alpha-2 code.
pub trait CountryLookup: Send + Sync {
    fn country(&self, ip: IpAddr) -> Option<String>;
}

/// A MaxMind database (GeoLite2/GeoIP2 Country or City, or any database with
/// `country.iso_code`), read into memory.
pub struct MaxMind(maxminddb::Reader<Vec<u8>>);

impl MaxMind {
    pub fn open(path: &Path) -> Result<MaxMind, maxminddb::MaxMindDbError> {
        maxminddb::Reader::open_readfile(path).map(MaxMind)
    }
}

impl CountryLookup for MaxMind {
    fn country(&self, ip: IpAddr) -> Option<String> {
        let found = self.0.lookup(ip).ok()?;
        let code: Option<String> = found.decode_path(&maxminddb::path!["country", "iso_code"]).ok()?;
        code
    }
}

/// The database at `path`, opened once per process (restart the server to load a newer one).
/// A database that cannot be opened is an error each time it is needed.
pub fn database(path: &Path) -> Result<Arc<dyn CountryLookup>, String> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<dyn CountryLookup>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(found) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(path) {
        return Ok(found.clone());
    }
    let db: Arc<dyn CountryLookup> =
        Arc::new(MaxMind::open(path).map_err(|e| format!("cannot open GeoIP database {}: {e}", path.display()))?);
    cache
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(path.to_owned(), db.clone());
    Ok(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_countries_up_in_a_maxmind_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("countries.mmdb");
        std::fs::write(
            &path,
            fairdraw_testkit::geoip::country_db(&[([203, 0, 113, 0], 24, "US"), ([198, 51, 100, 0], 24, "FR")]),
        )
        .unwrap();
        let db = database(&path).unwrap();
        let at = |s: &str| db.country(s.parse().unwrap());
        assert_eq!(at("203.0.113.77").as_deref(), Some("US"));
        assert_eq!(at("198.51.100.1").as_deref(), Some("FR"));
        assert_eq!(at("192.0.2.1"), None);
        assert!(database(&dir.path().join("missing.mmdb")).is_err());
    }
}
