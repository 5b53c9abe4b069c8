//! Times each phase of `check` separately (parse, model, the whole check) on one file.
use std::hint::black_box;
use std::time::Instant;

use asl_sim::model::StateMachine;
use asl_sim::syntax::{parse, Format};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let file = std::env::args().nth(1).expect("a file");
    let text = std::fs::read_to_string(&file).expect("readable");
    let (mut p, mut m, mut c, mut d) = (vec![], vec![], vec![], vec![]);
    for _ in 0..40 {
        let t = Instant::now();
        let parsed = parse(black_box(&text), Format::Json);
        p.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let model = StateMachine::from_tree(parsed.tree.root());
        m.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        drop(black_box(model));
        drop(black_box(parsed));
        d.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        black_box(asl_sim::check(
            &text,
            Format::Json,
            asl_sim::CheckOptions::default(),
        ));
        c.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let out = format!(
        "parse {:.2} ms, model {:.2} ms, drop {:.2} ms, whole check {:.2} ms\n",
        median(p),
        median(m),
        median(d),
        median(c)
    );
    std::io::Write::write_all(&mut std::io::stderr(), out.as_bytes()).expect("stderr");
}
