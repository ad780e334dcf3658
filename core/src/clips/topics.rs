//! Topic boundaries over sentence embeddings, TextTiling-style: the
//! similarity of the block of sentences before each gap to the block after
//! it, depth scores (how far that similarity dips below the peaks on either
//! side), and a boundary where the depth stands out (mean − σ/2, Hearst's
//! liberal cut-off). A clip that stays within one topic is self-contained.

use crate::embed::{cosine, mean_direction, Embedding};

/// Sentences per block on either side of a gap.
pub const BLOCK: usize = 3;

/// Topic structure of a talk.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TopicMap {
    /// Depth score of the gap after sentence `i` (`len = sentences − 1`).
    pub depth: Vec<f32>,
    /// Gaps (after sentence `i`) that are topic boundaries.
    pub boundaries: Vec<usize>,
    /// Topic index of every sentence.
    pub topic_of: Vec<usize>,
}

impl TopicMap {
    /// Segment `vectors` (one per sentence, in order).
    pub fn new(vectors: &[Embedding]) -> Self {
        let n = vectors.len();
        if n < 2 {
            return Self { depth: Vec::new(), boundaries: Vec::new(), topic_of: vec![0; n] };
        }
        let gaps: Vec<f32> = (0..n - 1)
            .map(|g| {
                let left = mean_direction(&vectors[(g + 1).saturating_sub(BLOCK)..=g]);
                let right = mean_direction(&vectors[g + 1..(g + 1 + BLOCK).min(n)]);
                cosine(&left, &right)
            })
            .collect();
        let depth: Vec<f32> = (0..gaps.len())
            .map(|g| {
                let mut left = gaps[g];
                for v in gaps[..g].iter().rev() {
                    if *v < left {
                        break;
                    }
                    left = *v;
                }
                let mut right = gaps[g];
                for v in &gaps[g + 1..] {
                    if *v < right {
                        break;
                    }
                    right = *v;
                }
                (left - gaps[g]) + (right - gaps[g])
            })
            .collect();
        let boundaries = pick_boundaries(&depth);
        let mut topic_of = Vec::with_capacity(n);
        let mut topic = 0;
        for i in 0..n {
            topic_of.push(topic);
            if boundaries.contains(&i) {
                topic += 1;
            }
        }
        Self { depth, boundaries, topic_of }
    }

    /// Boundaries strictly inside sentences `first..=last`.
    pub fn boundaries_inside(&self, first: usize, last: usize) -> usize {
        self.boundaries.iter().filter(|b| **b >= first && **b < last).count()
    }

    /// Deepest gap strictly inside sentences `first..=last` (0 when none).
    pub fn max_depth_inside(&self, first: usize, last: usize) -> f32 {
        (first..last).filter_map(|g| self.depth.get(g)).copied().fold(0.0, f32::max)
    }

    /// Whether sentence `i` opens a topic (the first sentence does).
    pub fn starts_topic(&self, i: usize) -> bool {
        i == 0 || self.boundaries.contains(&(i - 1))
    }

    /// Whether sentence `i` closes a topic (the last sentence does).
    pub fn ends_topic(&self, i: usize) -> bool {
        i + 1 >= self.topic_of.len() || self.boundaries.contains(&i)
    }
}

/// Gaps whose depth passes mean − σ/2 and is a local maximum, at least two
/// sentences apart.
fn pick_boundaries(depth: &[f32]) -> Vec<usize> {
    if depth.is_empty() {
        return Vec::new();
    }
    let n = depth.len() as f32;
    let mean = depth.iter().sum::<f32>() / n;
    let sd = (depth.iter().map(|d| (d - mean) * (d - mean)).sum::<f32>() / n).sqrt();
    let cutoff = (mean - sd / 2.0).max(0.05);
    let mut order: Vec<usize> = (0..depth.len()).filter(|g| depth[*g] > cutoff && depth[*g] > mean).collect();
    order.sort_by(|a, b| depth[*b].total_cmp(&depth[*a]));
    let mut picked: Vec<usize> = Vec::new();
    for g in order {
        if picked.iter().all(|p| p.abs_diff(g) >= 2) {
            picked.push(g);
        }
    }
    picked.sort_unstable();
    picked
}

/// Mean cosine of each sentence to the centroid of `vectors`: 1 when they
/// all say the same thing, lower as they wander.
pub fn coherence(vectors: &[Embedding]) -> f32 {
    if vectors.len() < 2 {
        return 1.0;
    }
    let centroid = mean_direction(vectors);
    vectors.iter().map(|v| cosine(v, &centroid)).sum::<f32>() / vectors.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(axis: usize, wobble: f32) -> Embedding {
        let mut v = vec![0.0; 8];
        v[axis] = 1.0;
        v[(axis + 1) % 8] = wobble;
        crate::embed::normalize(&mut v);
        v
    }

    #[test]
    fn finds_the_shift_between_two_topics() {
        let mut vectors: Vec<Embedding> = (0..6).map(|i| unit(0, 0.1 * i as f32)).collect();
        vectors.extend((0..6).map(|i| unit(3, 0.1 * i as f32)));
        let map = TopicMap::new(&vectors);
        assert_eq!(map.boundaries, vec![5]);
        assert_eq!(map.topic_of, [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
        assert!(map.starts_topic(6) && map.ends_topic(5) && !map.starts_topic(3));
        assert_eq!(map.boundaries_inside(2, 8), 1);
        assert_eq!(map.boundaries_inside(6, 11), 0);
        assert!(map.max_depth_inside(2, 8) > 0.5);
        assert!(coherence(&vectors[..6]) > 0.95);
        assert!(coherence(&vectors[3..9]) < 0.9);
    }

    #[test]
    fn short_inputs_have_one_topic() {
        assert_eq!(TopicMap::new(&[]).topic_of, Vec::<usize>::new());
        assert_eq!(TopicMap::new(&[unit(0, 0.0)]).topic_of, vec![0]);
        let same = TopicMap::new(&[unit(0, 0.0), unit(0, 0.0), unit(0, 0.0)]);
        assert!(same.boundaries.is_empty());
    }
}
