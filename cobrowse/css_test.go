package cobrowse

import "testing"

func TestSanitizeCSS(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain css is unchanged", `a{color:red;margin:0 8px}`, `a{color:red;margin:0 8px}`},
		{"font family strings are kept", `p{font-family:"Helvetica Neue",sans-serif}`, `p{font-family:"Helvetica Neue",sans-serif}`},
		{"content string is blanked", `.x::before{content:"Jane Doe"}`, `.x::before{content:""}`},
		{"single-quoted content is blanked", `.x::after{content: 'Jane' ' Doe'; color: red}`, `.x::after{content: "" ""; color: red}`},
		{"content with attr keeps attr", `.x::after{content:attr(title) " (" "Jane" ")"}`, `.x::after{content:attr(title) "" "" ""}`},
		{"upper-case property is caught", `.x::after{CONTENT:"Jane"}`, `.x::after{CONTENT:""}`},
		{"escaped property is caught", `.x::after{c\ontent:"Jane"}`, `.x::after{c\ontent:""}`},
		{"comment before property is caught", `.x::after{/* c */content:"Jane"}`, `.x::after{/* c */content:""}`},
		{"custom property string is blanked", `:root{--user:"Jane Doe";--brand:#336699}`, `:root{--user:"";--brand:#336699}`},
		{"strings after the declaration survive", `a::after{content:"x"}b{font-family:"Inter"}`, `a::after{content:""}b{font-family:"Inter"}`},
		{"quote inside content string is handled", `a::after{content:"a\"b;c"}b{x:"y"}`, `a::after{content:""}b{x:"y"}`},
		{"unquoted data url is removed", `a{background:url(data:image/png;base64,AAAA)}`, `a{background:url()}`},
		{"quoted data url is removed", `a{background:url("data:image/png;base64,AAAA")}`, `a{background:url("")}`},
		{"upper-case data url is removed", `a{background:URL( DATA:image/png;base64,AAAA )}`, `a{background:url()}`},
		{"escaped data url is removed", `a{background:url(d\61ta:image/png;base64,AAAA)}`, `a{background:url()}`},
		{"data url in image-set is removed", `a{background:image-set("data:image/png;base64,AA" 1x)}`, `a{background:image-set("" 1x)}`},
		{"http url is kept", `a{background:url(https://cdn.example.com/a.png)}`, `a{background:url(https://cdn.example.com/a.png)}`},
		{"media query is kept", `@media (max-width: 600px){a{color:red}}`, `@media (max-width: 600px){a{color:red}}`},
		{"rr_split markers are kept", `a{color:red}/* rr_split */b{color:blue}`, `a{color:red}/* rr_split */b{color:blue}`},
		{"tailwind escapes are kept", `.md\:flex:hover{display:flex}`, `.md\:flex:hover{display:flex}`},
		{"card in css is masked", `.x{--n:4111 1111 1111 1111}`, `.x{--n:**** **** **** ****}`},
		{"email in url is masked", `a{background:url(/u/jane@example.com.png)}`, `a{background:url(/u/****************.png)}`},
		{"unterminated string is blanked", `a::after{content:"Jane`, `a::after{content:""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sanitizeCSS(tt.in); got != tt.want {
				t.Errorf("sanitizeCSS(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeCSSValue(t *testing.T) {
	tests := []struct {
		name, prop, value, want string
	}{
		{"content value strings are blanked", "content", `"Jane"`, `""`},
		{"custom property strings are blanked", "--label", `'Jane'`, `""`},
		{"other values keep strings", "font-family", `"Inter"`, `"Inter"`},
		{"data urls are removed anywhere", "background-image", `url(data:image/png;base64,AA)`, `url()`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sanitizeCSSValue(tt.prop, tt.value); got != tt.want {
				t.Errorf("sanitizeCSSValue(%q, %q) = %q, want %q", tt.prop, tt.value, got, tt.want)
			}
		})
	}
}

func TestSanitizeURL(t *testing.T) {
	tests := []struct {
		name, in string
		want     string
		keep     bool
	}{
		{"query and fragment are dropped", "https://shop.example.com/orders/12?email=jane@example.com#top", "https://shop.example.com/orders/12", true},
		{"relative path is kept", "/help/returns", "/help/returns", true},
		{"in-page anchor is kept", "#icon-cart", "#icon-cart", true},
		{"spa route fragment is dropped", "#/orders?id=5", "", true},
		{"data url is dropped", "data:image/png;base64,AAAA", "", false},
		{"javascript url is dropped", "javascript:alert(1)", "", false},
		{"obfuscated javascript url is dropped", " java\tscript:alert(1)", "", false},
		{"mailto keeps the scheme and masks the address", "mailto:jane@example.com?subject=hi", "mailto:****************", true},
		{"tel masks the number", "tel:+14155550123", "tel:************", true},
		{"card in path is masked", "/cards/4111111111111111/edit", "/cards/****************/edit", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, keep := sanitizeURL(tt.in)
			if got != tt.want || keep != tt.keep {
				t.Errorf("sanitizeURL(%q) = %q, %v; want %q, %v", tt.in, got, keep, tt.want, tt.keep)
			}
		})
	}
}
