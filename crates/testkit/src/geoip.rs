//! Tiny MaxMind databases (format 2.0) for tests: the GeoIP lookup is tested against a real
//! `.mmdb` file read by the `maxminddb` crate, without shipping a database.

/// An IPv4 database mapping each `(network, prefix)` to `{"country": {"iso_code": code}}`.
pub fn country_db(networks: &[([u8; 4], u8, &str)]) -> Vec<u8> {
    // A binary trie over the address bits; node 0 is the root. Each record holds a node
    // index, `node_count` for "no data", or `node_count + 16 + offset` for data.
    let mut nodes: Vec<[Option<Record>; 2]> = vec![[None, None]];
    let mut data = Vec::new();
    for (net, prefix, code) in networks {
        let offset = data.len();
        data.extend(country_record(code));
        let bits = u32::from_be_bytes(*net);
        let mut node = 0;
        for depth in 0..*prefix {
            let bit = ((bits >> (31 - u32::from(depth))) & 1) as usize;
            if depth + 1 == *prefix {
                nodes[node][bit] = Some(Record::Data(offset));
            } else {
                node = match nodes[node][bit] {
                    Some(Record::Node(next)) => next,
                    _ => {
                        nodes.push([None, None]);
                        let next = nodes.len() - 1;
                        nodes[node][bit] = Some(Record::Node(next));
                        next
                    }
                };
            }
        }
    }
    let count = nodes.len();
    let mut out = Vec::new();
    for node in &nodes {
        for record in node {
            let value = match record {
                None => count,
                Some(Record::Node(n)) => *n,
                Some(Record::Data(offset)) => count + 16 + offset,
            };
            let v = u32::try_from(value).unwrap().to_be_bytes();
            out.extend_from_slice(&v[1..]);
        }
    }
    out.extend_from_slice(&[0; 16]);
    out.extend(data);
    out.extend_from_slice(b"\xAB\xCD\xEFMaxMind.com");
    out.extend(metadata(u32::try_from(count).unwrap()));
    out
}

#[derive(Clone, Copy)]
enum Record {
    Node(usize),
    Data(usize),
}

fn string(s: &str) -> Vec<u8> {
    let mut v = vec![0x40 | u8::try_from(s.len()).unwrap()];
    v.extend_from_slice(s.as_bytes());
    v
}

fn map(len: u8) -> u8 {
    0xE0 | len
}

fn country_record(code: &str) -> Vec<u8> {
    let mut v = vec![map(1)];
    v.extend(string("country"));
    v.push(map(1));
    v.extend(string("iso_code"));
    v.extend(string(code));
    v
}

fn uint16(n: u16) -> Vec<u8> {
    let mut v = vec![0xA0 | 2];
    v.extend_from_slice(&n.to_be_bytes());
    v
}

fn metadata(node_count: u32) -> Vec<u8> {
    let mut v = vec![map(9)];
    v.extend(string("binary_format_major_version"));
    v.extend(uint16(2));
    v.extend(string("binary_format_minor_version"));
    v.extend(uint16(0));
    v.extend(string("build_epoch"));
    // uint64 is an extended type: control byte with type 0, then 9 - 7.
    v.extend_from_slice(&[0x01, 0x02, 0x01]);
    v.extend(string("database_type"));
    v.extend(string("Test-Country"));
    v.extend(string("description"));
    v.push(map(0));
    v.extend(string("ip_version"));
    v.extend(uint16(4));
    v.extend(string("languages"));
    // An empty array: extended type 11 (11 - 7 = 4).
    v.extend_from_slice(&[0x00, 0x04]);
    v.extend(string("node_count"));
    v.push(0xC0 | 4);
    v.extend_from_slice(&node_count.to_be_bytes());
    v.extend(string("record_size"));
    v.extend(uint16(24));
    v
}
