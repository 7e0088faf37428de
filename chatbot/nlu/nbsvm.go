package nlu

import (
	"math"
	"slices"
)

// nbModel is one-vs-rest logistic regression over naive-Bayes-scaled
// features (NB-LR, the logistic-regression form of Wang and Manning's
// NBSVM, 2012): for each label, every feature is first multiplied by its
// log-count ratio between that label's examples and the rest, so a
// feature that only one label uses starts out loud for that label, and
// the linear model then learns how far to trust it. On short texts it is
// reliably stronger than either naive Bayes or logistic regression alone.
type nbModel struct {
	labels []string
	index  map[uint64]int
	r      []float64 // r[feature*K + label]: the log-count ratio
	w      []float64 // w[feature*K + label]
	b      []float64
}

// nbConfig holds NB-LR's knobs, chosen by cross-validation on the training
// set.
type nbConfig struct {
	trainConfig
	Alpha float64 // smoothing of the feature counts
}

// trainNB fits an NB-LR model to xs labelled ys.
func trainNB(xs []features, ys []string, cfg nbConfig) *nbModel {
	m := &nbModel{index: vocabulary(xs, cfg.MinCount), labels: distinct(ys)}
	K, V := len(m.labels), len(m.index)
	y := make([]int, len(ys))
	for i, l := range ys {
		y[i], _ = slices.BinarySearch(m.labels, l)
	}
	data := make([]sparse, len(xs))
	for i, x := range xs {
		data[i] = vectorizeIn(m.index, x)
	}
	// Count, per label, the examples each feature occurs in.
	count := make([]float64, V*K)
	total := make([]float64, K)
	for i, x := range data {
		for _, j := range x.idx {
			count[j*K+y[i]]++
			total[y[i]]++
		}
	}
	m.r = logCountRatios(count, total, K, cfg.Alpha)
	m.w = make([]float64, V*K)
	m.b = make([]float64, K)
	sc := make([]float64, K)
	sgd(m.w, m.b, len(data), cfg.trainConfig, func(i int, rate float64) { m.step(data[i], y[i], rate, cfg.L2, sc) })
	return m
}

// step takes one gradient step of every label's binary model on x.
func (m *nbModel) step(x sparse, y int, rate, l2 float64, s []float64) {
	m.scores(x, s)
	K := len(m.labels)
	for k := range K {
		g := sigmoid(s[k])
		if k == y {
			g--
		}
		if g > -gradFloor && g < gradFloor {
			continue
		}
		m.b[k] -= rate * g
		for n, j := range x.idx {
			w := &m.w[j*K+k]
			*w -= rate * (g*x.val[n]*m.r[j*K+k] + l2**w)
		}
	}
}

func (m *nbModel) scores(x sparse, out []float64) {
	copy(out, m.b)
	K := len(m.labels)
	for n, j := range x.idx {
		v := x.val[n]
		for k := range out {
			out[k] += m.w[j*K+k] * m.r[j*K+k] * v
		}
	}
}

// predict returns a probability per label, in m.labels order: the binary
// models' scores through a softmax.
func (m *nbModel) predict(f features) []float64 {
	p := make([]float64, len(m.labels))
	m.scores(vectorizeIn(m.index, f), p)
	softmax(p)
	return p
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

func vectorizeIn(index map[uint64]int, f features) sparse {
	var s sparse
	for _, ft := range f {
		if j, ok := index[ft.id]; ok {
			s.idx = append(s.idx, j)
			s.val = append(s.val, ft.v)
		}
	}
	return s
}

// cnbModel is complement naive Bayes over which features a message has
// (Rennie et al., 2003): each label is scored by how unlike the other
// labels' examples the message is, which is steadier than plain naive Bayes
// when labels have unequal numbers of examples. Its mistakes differ from
// the discriminative models', which is what it is in the ensemble for.
type cnbModel struct {
	labels []string
	index  map[uint64]int
	w      []float64 // w[feature*K + label]: log p(feature|label) - log p(feature|not label)
}

func trainCNB(xs []features, ys []string, alpha float64, minCount int) *cnbModel {
	m := &cnbModel{index: vocabulary(xs, minCount), labels: distinct(ys)}
	K, V := len(m.labels), len(m.index)
	count := make([]float64, V*K)
	total := make([]float64, K)
	for i, x := range xs {
		y, _ := slices.BinarySearch(m.labels, ys[i])
		for _, ft := range x {
			if j, ok := m.index[ft.id]; ok {
				count[j*K+y]++
				total[y]++
			}
		}
	}
	m.w = logCountRatios(count, total, K, alpha)
	return m
}

// predict returns a probability per label, in m.labels order: the scores,
// times temperature, through a softmax. Naive Bayes is far too sure of
// itself; the temperature tames it.
func (m *cnbModel) predict(f features, temperature float64) []float64 {
	K := len(m.labels)
	p := make([]float64, K)
	for _, ft := range f {
		if j, ok := m.index[ft.id]; ok {
			for k := range K {
				p[k] += m.w[j*K+k] * temperature
			}
		}
	}
	softmax(p)
	return p
}

// logCountRatios is, for every feature j and label k of count (examples of
// label k with feature j, at j*K+k) and total (features counted per label),
// log p(j|k) - log p(j|not k) with add-alpha smoothing.
func logCountRatios(count, total []float64, K int, alpha float64) []float64 {
	V := len(count) / K
	all := 0.0
	for _, t := range total {
		all += t
	}
	out := make([]float64, V*K)
	for j := range V {
		row := count[j*K : (j+1)*K]
		sum := 0.0
		for _, c := range row {
			sum += c
		}
		for k := range K {
			p := (alpha + row[k]) / (alpha*float64(V) + total[k])
			q := (alpha + sum - row[k]) / (alpha*float64(V) + all - total[k])
			out[j*K+k] = math.Log(p / q)
		}
	}
	return out
}
