package localeenv

import "testing"

func TestLanguageFor(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string // "" = leave LANGUAGE alone
	}{
		{"C.UTF-8", map[string]string{"LANG": "C.UTF-8"}, Fallback},
		{"C.utf8", map[string]string{"LANG": "C.utf8"}, Fallback},
		{"POSIX.UTF-8", map[string]string{"LANG": "POSIX.UTF-8"}, Fallback},
		{"LC_ALL wins over LANG", map[string]string{"LC_ALL": "C.UTF-8", "LANG": "de_DE.UTF-8"}, Fallback},
		{"LC_MESSAGES wins over LANG", map[string]string{"LC_MESSAGES": "C.UTF-8", "LANG": "fr_FR.UTF-8"}, Fallback},
		{"LC_ALL real locale", map[string]string{"LC_ALL": "de_DE.UTF-8", "LANG": "C.UTF-8"}, ""},
		{"plain C is fine already", map[string]string{"LANG": "C"}, ""},
		{"plain POSIX is fine already", map[string]string{"LANG": "POSIX"}, ""},
		{"a real locale", map[string]string{"LANG": "en_GB.UTF-8"}, ""},
		{"a language starting with C", map[string]string{"LANG": "ca_ES.UTF-8"}, ""},
		{"LANGUAGE already set", map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "de"}, ""},
		{"nothing set", map[string]string{}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := languageFor(func(k string) string { return c.env[k] })
			if got != c.want || ok != (c.want != "") {
				t.Errorf("languageFor(%v) = %q, %v; want %q", c.env, got, ok, c.want)
			}
		})
	}
}
