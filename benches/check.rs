//! The pipeline on the shipped examples. Targets on a 2-core machine, release build:
//! `check` of Chad under 20 ms; all form definitions, record schemas and XLSForms of Chad
//! under 100 ms; every printed form of Chad (PDF) under 1.5 s; the SOP of Chad in all
//! formats and three languages under 1 s; a whole build for reference. Typst's layout
//! memo is emptied before each PDF run, so those figures are cold, as in a real build.

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
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.bench_function("build chad", |b| {
        b.iter(|| {
            let (_, result) = bipgen::build(path, &target, options.clone(), &|_| {});
            result.expect("build succeeds")
        })
    });
    group.finish();
}

/// Times `run` with Typst's memoised layouts dropped before each run: what one
/// `bipgen build` process pays.
fn cold<R>(b: &mut criterion::Bencher, run: impl Fn() -> R) {
    b.iter_batched(
        bipgen::typeset::forget_layouts,
        |()| run(),
        criterion::BatchSize::PerIteration,
    );
}

/// The resolved Chad pack and the named renderers.
fn chad_with(names: &[&str]) -> (bipgen::pack::Pack, Vec<Box<dyn bipgen::render::Renderer>>) {
    let checked = bipgen::check(Path::new("examples/chad/country.toml"));
    let pack = checked
        .resolve("country.toml")
        .expect("valid")
        .expect("resolves");
    let renderers: Vec<_> = bipgen::render::renderers()
        .into_iter()
        .filter(|r| names.contains(&r.name()))
        .collect();
    assert_eq!(renderers.len(), names.len(), "renderers {names:?}");
    (pack, renderers)
}

fn render_forms(c: &mut Criterion) {
    let (pack, renderers) = chad_with(&["form definitions", "record schemas", "xlsforms"]);
    c.bench_function("render forms chad (definitions, schemas, xlsforms)", |b| {
        b.iter(|| {
            renderers
                .iter()
                .map(|r| r.render(&pack).expect("renders").len())
                .sum::<usize>()
        })
    });
}

fn render_pdfs(c: &mut Criterion) {
    let (pack, renderers) = chad_with(&["printed forms"]);
    let mut group = c.benchmark_group("pdf");
    group.sample_size(10);
    group.bench_function(
        "printed forms chad (19 forms × 3 languages + fr+ar + 3 packs)",
        |b| cold(b, || renderers[0].render(&pack).expect("renders").len()),
    );
    group.finish();
}

fn render_sop(c: &mut Criterion) {
    let (pack, renderers) = chad_with(&["sop"]);
    let mut group = c.benchmark_group("sop");
    group.sample_size(10);
    group.bench_function(
        "SOP chad (3 languages × Markdown, HTML, PDF, DOCX, flowcharts)",
        |b| cold(b, || renderers[0].render(&pack).expect("renders").len()),
    );
    group.finish();
}

criterion_group!(benches, check, render_forms, render_pdfs, render_sop, build);
criterion_main!(benches);
