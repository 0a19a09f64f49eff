//! `bipgen check` on the shipped examples (target: under 20 ms for Chad in release).

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

fn check(c: &mut Criterion) {
    for example in ["chad", "minimal"] {
        let path = Path::new("examples").join(example).join("country.toml");
        // Warm the lazily built schema and defaults so the figure is one check.
        assert!(
            !bipgen::check(&path).has_errors(),
            "{example} must be valid"
        );
        c.bench_function(&format!("check {example}"), |b| {
            b.iter(|| bipgen::check(&path))
        });
    }
}

fn build(c: &mut Criterion) {
    let path = Path::new("examples/chad/country.toml");
    let out = tempfile::tempdir().expect("temporary directory");
    let target = out.path().join("out");
    let options = bipgen::BuildOptions::default();
    c.bench_function("build chad", |b| {
        b.iter(|| {
            let (_, result) = bipgen::build(path, &target, options, &|_| {});
            result.expect("build succeeds")
        })
    });
}

criterion_group!(benches, check, build);
criterion_main!(benches);
