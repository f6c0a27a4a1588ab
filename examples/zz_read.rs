use std::io::BufReader;
fn main() {
    let p = std::env::args().nth(1).unwrap();
    let mode = std::env::args().nth(2).unwrap_or_default();
    let t = std::time::Instant::now();
    let f = std::fs::File::open(&p).unwrap();
    let mut n = 0usize;
    let mut bytes = 0usize;
    if mode == "raw" {
        use std::io::Read;
        let mut f = f;
        let mut buf = vec![0u8; 1 << 18];
        loop {
            let k = f.read(&mut buf).unwrap();
            if k == 0 {
                break;
            }
            bytes += k;
            n += 1;
        }
    } else {
        for u in ace_pga::stream::StreamReader::new(BufReader::new(f)) {
            let u = u.unwrap();
            n += 1;
            bytes += u.bytes.len();
        }
    }
    eprintln!("{n} units {bytes} bytes {:?}", t.elapsed());
}
