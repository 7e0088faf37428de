package chatbot

import "sync"

// Hub delivers new transcript lines to the live sockets of a conversation.
// Subscribers get a bounded channel; a subscriber that falls behind is
// dropped (its socket closes and the client reconnects and reloads the
// transcript) rather than slowing anyone down.
//
// It also carries notices for a customer rather than a conversation (an
// agent asking to see their screen) to every socket the customer has open.
type Hub struct {
	mu      sync.Mutex
	subs    map[string]map[chan []Message]struct{}
	notices map[string]map[chan any]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{subs: map[string]map[chan []Message]struct{}{}, notices: map[string]map[chan any]struct{}{}}
}

// Subscribe returns a channel of the conversation's new messages and a cancel
// function. The channel is closed when the subscriber is dropped or cancels.
func (h *Hub) Subscribe(convID string) (<-chan []Message, func()) {
	ch := make(chan []Message, 32)
	h.mu.Lock()
	if h.subs[convID] == nil {
		h.subs[convID] = map[chan []Message]struct{}{}
	}
	h.subs[convID][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() { h.drop(convID, ch) }
}

func (h *Hub) drop(convID string, ch chan []Message) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[convID][ch]; ok {
		delete(h.subs[convID], ch)
		close(ch)
	}
	if len(h.subs[convID]) == 0 {
		delete(h.subs, convID)
	}
}

// Publish sends msgs to every subscriber of the conversation without blocking.
func (h *Hub) Publish(convID string, msgs []Message) {
	if len(msgs) == 0 {
		return
	}
	h.mu.Lock()
	var slow []chan []Message
	for ch := range h.subs[convID] {
		select {
		case ch <- msgs:
		default:
			slow = append(slow, ch)
		}
	}
	h.mu.Unlock()
	for _, ch := range slow {
		h.drop(convID, ch)
	}
}

// SubscribeCustomer returns a channel of notices for the customer (one per
// open socket) and a cancel function.
func (h *Hub) SubscribeCustomer(customerID string) (<-chan any, func()) {
	ch := make(chan any, 4)
	h.mu.Lock()
	if h.notices[customerID] == nil {
		h.notices[customerID] = map[chan any]struct{}{}
	}
	h.notices[customerID][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.notices[customerID], ch)
		if len(h.notices[customerID]) == 0 {
			delete(h.notices, customerID)
		}
	}
}

// Notify hands v to every socket the customer has open without blocking and
// reports how many took it (a full queue does not count).
func (h *Hub) Notify(customerID string, v any) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for ch := range h.notices[customerID] {
		select {
		case ch <- v:
			n++
		default:
		}
	}
	return n
}
