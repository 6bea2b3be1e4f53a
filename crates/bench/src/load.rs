//! `zhenxing-bench load`: many clients on loopback against a running server, reads and writes
//! mixed, for a bounded time; then every acknowledged write is looked for. Prints one JSON line.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::Mutex;
use zhenxing_app::synth::Rng;

pub struct LoadOptions {
    pub addr: String,
    pub token: String,
    pub clients: usize,
    pub seconds: u64,
    /// Percent of requests that write (an import of one new household).
    pub write_percent: u64,
    /// Areas to read (villages and above) and households to open.
    pub areas: Vec<String>,
    pub households: Vec<String>,
    /// A village under the token's area for the new households.
    pub village: String,
}

struct Conn {
    send: http1::SendRequest<Full<Bytes>>,
}

async fn connect(addr: &str) -> Result<Conn> {
    let stream = TcpStream::connect(addr)
        .await
        .with_context(|| format!("connect {addr}"))?;
    stream.set_nodelay(true)?;
    let (send, conn) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(Conn { send })
}

async fn call(c: &mut Conn, req: Request<Full<Bytes>>) -> Result<(u16, Bytes)> {
    c.send.ready().await?;
    let res = c.send.send_request(req).await?;
    let status = res.status().as_u16();
    let body = res.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

#[derive(Default)]
struct Tally {
    reads: AtomicU64,
    writes: AtomicU64,
    errors: AtomicU64,
}

fn get(addr: &str, token: &str, path: &str) -> Result<Request<Full<Bytes>>> {
    Ok(Request::get(path)
        .header("host", addr)
        .header("authorization", format!("Bearer {token}"))
        .body(Full::new(Bytes::new()))?)
}

fn import(addr: &str, token: &str, no: &str, village: &str) -> Result<Request<Full<Bytes>>> {
    let boundary = "zhenxingload";
    let csv = format!(
        "户编号,所在村代码,户主姓名,家庭人口数,人均纯收入（元）,是否脱贫户\r\n{no},{village},压测户,1,9000,否\r\n"
    );
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"households\"; filename=\"load.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    Ok(Request::post("/api/v1/imports")
        .header("host", addr)
        .header("authorization", format!("Bearer {token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Full::new(Bytes::from(body)))?)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

/// The kinds of read, in the order of the request mix.
const KINDS: [&str; 4] = ["area", "household_list", "stats", "household"];

pub async fn run(opts: LoadOptions) -> Result<serde_json::Value> {
    if opts.areas.is_empty() || opts.households.is_empty() {
        bail!("no areas or households to read");
    }
    let opts = Arc::new(opts);
    let tally = Arc::new(Tally::default());
    let read_ms = Arc::new(Mutex::new(vec![Vec::<f64>::new(); KINDS.len()]));
    let write_ms = Arc::new(Mutex::new(Vec::<f64>::new()));
    let written = Arc::new(Mutex::new(Vec::<String>::new()));
    let end = Instant::now() + Duration::from_secs(opts.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..opts.clients {
        let (opts, tally, read_ms, write_ms, written) = (
            opts.clone(),
            tally.clone(),
            read_ms.clone(),
            write_ms.clone(),
            written.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(client as u64 + 1);
            let mut conn = match connect(&opts.addr).await {
                Ok(c) => c,
                Err(_) => {
                    tally.errors.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            };
            let (mut reads, mut writes) = (vec![Vec::new(); KINDS.len()], Vec::new());
            let mut seq = 0u64;
            while Instant::now() < end {
                let is_write = rng.below(100) < opts.write_percent;
                let kind = rng.below(4) as usize;
                let (req, no) = if is_write {
                    seq += 1;
                    let no = format!("LOAD{client:03}{seq:07}");
                    (
                        import(&opts.addr, &opts.token, &no, &opts.village),
                        Some(no),
                    )
                } else {
                    let path = match kind {
                        0 => format!(
                            "/api/v1/areas/{}",
                            opts.areas[rng.below(opts.areas.len() as u64) as usize]
                        ),
                        1 => format!(
                            "/api/v1/households?area={}",
                            opts.areas[rng.below(opts.areas.len() as u64) as usize]
                        ),
                        2 => format!(
                            "/api/v1/stats?area={}",
                            opts.areas[rng.below(opts.areas.len() as u64) as usize]
                        ),
                        _ => format!(
                            "/api/v1/households/{}",
                            opts.households[rng.below(opts.households.len() as u64) as usize]
                        ),
                    };
                    (get(&opts.addr, &opts.token, &path), None)
                };
                let Ok(req) = req else {
                    tally.errors.fetch_add(1, Ordering::Relaxed);
                    continue;
                };
                let t = Instant::now();
                match call(&mut conn, req).await {
                    Ok((200, _)) => {
                        let ms = t.elapsed().as_secs_f64() * 1000.0;
                        if let Some(no) = no {
                            writes.push(ms);
                            tally.writes.fetch_add(1, Ordering::Relaxed);
                            written.lock().await.push(no);
                        } else {
                            reads[kind].push(ms);
                            tally.reads.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Ok((status, body)) => {
                        tally.errors.fetch_add(1, Ordering::Relaxed);
                        eprintln!(
                            "{status}: {}",
                            String::from_utf8_lossy(&body)
                                .chars()
                                .take(200)
                                .collect::<String>()
                        );
                    }
                    Err(e) => {
                        tally.errors.fetch_add(1, Ordering::Relaxed);
                        eprintln!("{e}");
                        match connect(&opts.addr).await {
                            Ok(c) => conn = c,
                            Err(_) => return,
                        }
                    }
                }
            }
            let mut all = read_ms.lock().await;
            for (k, v) in reads.into_iter().enumerate() {
                all[k].extend(v);
            }
            write_ms.lock().await.extend(writes);
        }));
    }
    for t in tasks {
        t.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();

    // Every acknowledged write must be readable now.
    let written = written.lock().await.clone();
    let mut conn = connect(&opts.addr).await?;
    let mut lost = 0u64;
    for no in &written {
        let (status, _) = call(
            &mut conn,
            get(&opts.addr, &opts.token, &format!("/api/v1/households/{no}"))?,
        )
        .await?;
        if status != 200 {
            lost += 1;
        }
    }
    let by_kind = read_ms.lock().await.clone();
    let mut r: Vec<f64> = by_kind.iter().flatten().copied().collect();
    let mut w = write_ms.lock().await.clone();
    r.sort_by(f64::total_cmp);
    let mut kinds = serde_json::Map::new();
    for (name, mut v) in KINDS.iter().zip(by_kind) {
        v.sort_by(f64::total_cmp);
        kinds.insert(
            name.to_string(),
            serde_json::json!({"n": v.len(), "p50_ms": percentile(&v, 0.5), "p99_ms": percentile(&v, 0.99)}),
        );
    }
    w.sort_by(f64::total_cmp);
    let reads = tally.reads.load(Ordering::Relaxed);
    let writes = tally.writes.load(Ordering::Relaxed);
    Ok(serde_json::json!({
        "clients": opts.clients,
        "seconds": elapsed,
        "reads": reads,
        "writes": writes,
        "errors": tally.errors.load(Ordering::Relaxed),
        "lost_writes": lost,
        "requests_per_s": (reads + writes) as f64 / elapsed,
        "read_p50_ms": percentile(&r, 0.5),
        "read_p99_ms": percentile(&r, 0.99),
        "write_p50_ms": percentile(&w, 0.5),
        "write_p99_ms": percentile(&w, 0.99),
        "reads_by_kind": kinds,
    }))
}
