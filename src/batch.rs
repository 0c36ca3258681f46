//! Many reports at once: parallel work (rayon) with results delivered in input order, chunk by
//! chunk, so output streams in a stable order while all cores work.

pub mod check;
pub mod series;

use std::path::PathBuf;

use rayon::prelude::*;

/// Reports handled in parallel before their results are delivered.
const CHUNK: usize = 256;

/// Runs `work` on every path in parallel and hands the results to `sink` in input order.
/// `sink` returning an error stops the batch (a closed pipe, a full disk).
pub fn ordered<T, E>(
    paths: &[PathBuf],
    work: impl Fn(&PathBuf) -> T + Sync,
    mut sink: impl FnMut(&PathBuf, T) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
{
    for chunk in paths.chunks(CHUNK) {
        let results: Vec<T> = chunk.par_iter().map(&work).collect();
        for (path, result) in chunk.iter().zip(results) {
            sink(path, result)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_arrive_in_input_order() {
        let paths: Vec<PathBuf> = (0..1000).map(|i| PathBuf::from(i.to_string())).collect();
        let mut seen = Vec::new();
        ordered(
            &paths,
            |p| p.to_string_lossy().parse::<usize>().unwrap() * 2,
            |_, v| {
                seen.push(v);
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert_eq!(seen, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn a_sink_error_stops_the_batch() {
        let paths: Vec<PathBuf> = (0..600).map(|i| PathBuf::from(i.to_string())).collect();
        let mut n = 0;
        let r = ordered(
            &paths,
            |_| (),
            |_, _| {
                n += 1;
                if n == 10 {
                    Err("closed")
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!((r, n), (Err("closed"), 10));
    }
}
