package nlu

import (
	"math"
	"math/rand/v2"
	"slices"
)

// model is a multinomial logistic regression over sparse features. It is
// small, deterministic (a fixed seed orders the training examples), and its
// softmax gives a probability per label that serves as the confidence.
type model struct {
	labels []string
	index  map[uint64]int
	w      []float64 // w[feature*len(labels) + label]: one feature's weights sit together
	b      []float64
}

// trainConfig holds the learner's knobs, chosen by cross-validation on the
// training set.
type trainConfig struct {
	Epochs   int
	Rate     float64 // initial learning rate
	L2       float64
	MinCount int // a feature seen in fewer training examples is dropped
	Seed     uint64
	// Average, when above 0, makes the model the mean of the weights at
	// the end of each of the last Average epochs, which steadies what the
	// order of the examples did to the last few steps.
	Average int
}

var defaultTrain = trainConfig{Epochs: 6, Rate: 0.6, L2: 1e-4, MinCount: 2, Seed: 20261122, Average: 3}

type sparse struct {
	idx []int
	val []float64
}

// trainModel fits a model to xs labelled ys with stochastic gradient descent.
func trainModel(xs []features, ys []string, cfg trainConfig) *model {
	m := &model{index: vocabulary(xs, cfg.MinCount)}
	m.labels = distinct(ys)
	y := make([]int, len(ys))
	for i, l := range ys {
		y[i], _ = slices.BinarySearch(m.labels, l)
	}
	data := make([]sparse, len(xs))
	for i, x := range xs {
		data[i] = m.vectorize(x)
	}
	m.w = make([]float64, len(m.index)*len(m.labels))
	m.b = make([]float64, len(m.labels))
	p := make([]float64, len(m.labels))
	sgd(m.w, m.b, len(data), cfg, func(i int, rate float64) { m.step(data[i], y[i], rate, cfg.L2, p) })
	return m
}

// sgd runs cfg.Epochs shuffled passes of step over n examples with a
// decaying rate (deterministic: the order comes from cfg.Seed), then sets w
// and b to the average of their values after each of the last cfg.Average
// epochs, which steadies the model.
func sgd(w, b []float64, n int, cfg trainConfig, step func(i int, rate float64)) {
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	var sumW, sumB []float64
	averaged := 0
	for epoch := range cfg.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := cfg.Rate / (1 + float64(epoch)*0.3)
		for _, i := range order {
			step(i, rate)
		}
		if cfg.Average > 0 && epoch >= cfg.Epochs-cfg.Average {
			if sumW == nil {
				sumW, sumB = make([]float64, len(w)), make([]float64, len(b))
			}
			for k, v := range w {
				sumW[k] += v
			}
			for k, v := range b {
				sumB[k] += v
			}
			averaged++
		}
	}
	if averaged > 1 {
		for k := range sumW {
			w[k] = sumW[k] / float64(averaged)
		}
		for k := range sumB {
			b[k] = sumB[k] / float64(averaged)
		}
	}
}

// step takes one gradient step on example x with true label y. Labels whose
// gradient is negligible are skipped: once the model fits an example, most
// of its labels have probability ~0, and skipping them is most of the speed
// of training at process start.
func (m *model) step(x sparse, y int, rate, l2 float64, p []float64) {
	m.scores(x, p)
	softmax(p)
	p[y]-- // p is now the gradient of the loss with respect to the scores
	K := len(m.labels)
	for k, g := range p {
		if g > -gradFloor && g < gradFloor {
			continue
		}
		m.b[k] -= rate * g
		for n, j := range x.idx {
			w := &m.w[j*K+k]
			*w -= rate * (g*x.val[n] + l2**w)
		}
	}
}

const gradFloor = 1e-3

func (m *model) scores(x sparse, out []float64) {
	copy(out, m.b)
	K := len(m.labels)
	for n, j := range x.idx {
		row, v := m.w[j*K:(j+1)*K], x.val[n]
		for k := range out {
			out[k] += row[k] * v
		}
	}
}

// predict returns the probability of each label, in m.labels order.
func (m *model) predict(f features) []float64 {
	p := make([]float64, len(m.labels))
	m.scores(m.vectorize(f), p)
	softmax(p)
	return p
}

// ranked returns the labels by falling probability.
func (m *model) ranked(f features) []Scored {
	p := m.predict(f)
	out := make([]Scored, len(p))
	for k, l := range m.labels {
		out[k] = Scored{Label: l, P: p[k]}
	}
	sortScored(out)
	return out
}

// sortScored sorts by falling probability, keeping ties in order.
func sortScored(out []Scored) {
	slices.SortStableFunc(out, func(a, b Scored) int {
		switch {
		case a.P > b.P:
			return -1
		case a.P < b.P:
			return 1
		}
		return 0
	})
}

func (m *model) vectorize(f features) sparse { return vectorizeIn(m.index, f) }

// vocabulary indexes, in id order, the features seen in at least minCount
// examples.
func vocabulary(xs []features, minCount int) map[uint64]int {
	count := map[uint64]int{}
	for _, x := range xs {
		for _, ft := range x {
			count[ft.id]++
		}
	}
	var ids []uint64
	for id, n := range count {
		if n >= minCount {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	index := make(map[uint64]int, len(ids))
	for i, id := range ids {
		index[id] = i
	}
	return index
}

func softmax(p []float64) {
	mx := math.Inf(-1)
	for _, v := range p {
		mx = max(mx, v)
	}
	sum := 0.0
	for k, v := range p {
		p[k] = math.Exp(v - mx)
		sum += p[k]
	}
	for k := range p {
		p[k] /= sum
	}
}

func distinct(ys []string) []string {
	out := slices.Clone(ys)
	slices.Sort(out)
	return slices.Compact(out)
}
