package chatbot

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// openAIServer speaks the chat-completions wire protocol with a scripted reply.
func openAIServer(t *testing.T, status int, content string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer test-key" {
			t.Errorf("unexpected request %s %s", r.URL.Path, r.Header.Get("Authorization"))
		}
		var req struct {
			Messages []struct{ Role, Content string }
		}
		json.NewDecoder(r.Body).Decode(&req)
		if len(req.Messages) != 2 || !strings.Contains(req.Messages[1].Content, "[how-we-decide#2.4]") {
			t.Errorf("the prompt lacks the sources: %+v", req.Messages)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		if status != 200 {
			w.Write([]byte(`{"error":{"message":"boom","type":"server_error"}}`))
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"id": "x", "object": "chat.completion", "model": "m",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": content}}}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLLMWriter(t *testing.T) {
	draft := Draft{
		Template: Reply{Text: "I've opened a dispute. We've asked Northwind to respond by 29 November.",
			QuickReplies: []QuickReply{{Label: "Talk to a person", Payload: "talk to a person"}}},
		Sources: []Source{{ID: "how-we-decide#2.4", Title: "Returns the merchant does not confirm", Text: "..."}},
	}
	tests := []struct {
		name     string
		status   int
		content  string
		template bool // the template must stand
	}{
		{"a grounded, cited reply is used", 200, "Your dispute is open and Northwind has until 29 November to answer [how-we-decide#2.4].", false},
		{"an invented citation falls back", 200, "Northwind must answer [refunds#9.9].", true},
		{"no citation falls back", 200, "Northwind must answer soon.", true},
		{"an outcome nobody decided falls back", 200, "Good news, you have been refunded [how-we-decide#2.4].", true},
		{"a promised action falls back", 200, "We'll refund you tomorrow [how-we-decide#2.4].", true},
		{"a link falls back", 200, "See https://evil.example [how-we-decide#2.4].", true},
		{"a server error falls back", 500, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := openAIServer(t, tt.status, tt.content)
			var failures []error
			w := NewLLMWriter(srv.URL+"/v1", "test-key", "m", 5*time.Second, func(err error) { failures = append(failures, err) })
			got := w.Write(context.Background(), draft)
			if tt.template {
				if got.Text != draft.Template.Text || len(failures) != 1 {
					t.Fatalf("want the template, got %q (%v)", got.Text, failures)
				}
				return
			}
			if strings.Contains(got.Text, "[") || len(got.Citations) != 1 || got.Citations[0].URL != "/policies/how-we-decide#2.4" ||
				len(got.QuickReplies) != 1 || len(failures) != 0 {
				t.Fatalf("got %+v (%v)", got, failures)
			}
		})
	}
	t.Run("a decided outcome may be stated", func(t *testing.T) {
		srv := openAIServer(t, 200, "It's been decided in your favour [how-we-decide#2.4].")
		d := draft
		d.Decided = "customer_favor"
		got := NewLLMWriter(srv.URL+"/v1", "test-key", "m", 5*time.Second, nil).Write(context.Background(), d)
		if !strings.Contains(got.Text, "in your favour") {
			t.Fatalf("got %q", got.Text)
		}
	})
}
