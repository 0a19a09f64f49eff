//! Writes a large operation for measuring bipgen at scale: the Chad example with a
//! generated service directory (see `tests/support/operation.rs`).
//!
//! `cargo run --release --example generate_operation -- 2000 /tmp/operation-2000`

#[path = "../tests/support/operation.rs"]
mod operation;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(services), Some(dir)) = (args.next(), args.next()) else {
        eprintln!("usage: generate_operation <services> <folder>");
        std::process::exit(2);
    };
    let Ok(services) = services.parse::<usize>() else {
        eprintln!("error: `{services}` is not a number of services");
        std::process::exit(2);
    };
    match operation::write(std::path::Path::new(&dir), services) {
        Ok(config) => println!("{}", config.display()),
        Err(e) => {
            eprintln!("error: {dir}: {e}");
            std::process::exit(2);
        }
    }
}
