//! Provision models into the store: `cargo run -p reelkit-models --example fetch -- [ids...]`.
//! Prints fetch events as JSON lines, then the resulting statuses.

use reelkit_models::{FetchEvent, ModelStore};

fn main() {
    let ids: Vec<String> = std::env::args().skip(1).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let store = ModelStore::from_env();
    eprintln!("store: {}", store.root().display());
    let t = std::time::Instant::now();
    let mut last_pct = -1i64;
    let mut on_event = |ev: FetchEvent| {
        if let FetchEvent::Downloading {
            done,
            total: Some(total),
            ..
        } = &ev
        {
            let pct = (*done * 100 / (*total).max(1)) as i64;
            if pct / 10 == last_pct / 10 && *done != *total {
                return;
            }
            last_pct = pct;
        }
        eprintln!(
            "{:7.2}s {}",
            t.elapsed().as_secs_f64(),
            serde_json::to_string(&ev).unwrap()
        );
    };
    match store.fetch(&ids, &mut on_event, &|| false) {
        Ok(statuses) => {
            for s in statuses {
                println!("{}", serde_json::to_string(&s).unwrap());
            }
        }
        Err(e) => {
            eprintln!("error [{}]: {e}", e.code());
            std::process::exit(1);
        }
    }
}
