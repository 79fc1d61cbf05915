package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// runtimePackageJSON is the module's package.json as the runtime needs it: an ES module, with typescript among its
// dependencies, and without @dagger.io/dagger (the runtime provides the SDK, generated for this engine).
func (c *moduleConfig) runtimePackageJSON() (string, error) {
	text := c.packageJSON
	if text == "" {
		text = "{}"
	}
	pkg, err := parseObject(text)
	if err != nil {
		return "", fmt.Errorf("%s: %w", c.where("package.json"), err)
	}
	pkg.set("type", "module")
	for _, field := range []string{"dependencies", "devDependencies"} {
		if deps, ok, err := pkg.object(field); err != nil {
			return "", fmt.Errorf("%s: %s: %w", c.where("package.json"), field, err)
		} else if ok {
			deps.remove("@dagger.io/dagger")
			pkg.setObject(field, deps)
		}
	}
	deps, _, err := pkg.object("dependencies")
	if err != nil {
		return "", fmt.Errorf("%s: dependencies: %w", c.where("package.json"), err)
	}
	if !deps.has("typescript") {
		deps.set("typescript", defaultTypeScript)
	}
	pkg.setObject("dependencies", deps)
	return pkg.text()
}

// runtimeTSConfig is the module's tsconfig.json (or a default one) with @dagger.io/dagger resolved to the generated
// library under sdk/ and decorators enabled.
func (c *moduleConfig) runtimeTSConfig(ctx context.Context) (string, error) {
	text := defaultTSConfig
	if c.present["tsconfig.json"] {
		var err error
		if text, err = c.source.File("tsconfig.json").Contents(ctx); err != nil {
			return "", fmt.Errorf("reading %s: %w", c.where("tsconfig.json"), err)
		}
	}
	config, err := parseObject(text)
	if err != nil {
		return "", fmt.Errorf("%s: %w", c.where("tsconfig.json"), err)
	}
	options, _, err := config.object("compilerOptions")
	if err != nil {
		return "", fmt.Errorf("%s: compilerOptions: %w", c.where("tsconfig.json"), err)
	}
	options.set("experimentalDecorators", true)
	paths, _, err := options.object("paths")
	if err != nil {
		return "", fmt.Errorf("%s: compilerOptions.paths: %w", c.where("tsconfig.json"), err)
	}
	paths.set("@dagger.io/dagger", []string{"./" + genDir + "/index.ts"})
	paths.set("@dagger.io/dagger/telemetry", []string{"./" + genDir + "/telemetry.ts"})
	options.setObject("paths", paths)
	config.setObject("compilerOptions", options)
	return config.text()
}

// A JSON object that keeps its keys in the order it was written, so a file written back stays recognisable.
type object struct {
	keys   []string
	values map[string]json.RawMessage
}

func parseObject(text string) (*object, error) {
	dec := json.NewDecoder(strings.NewReader(stripComments(text)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	o := &object{values: map[string]json.RawMessage{}}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("not valid JSON: %w", err)
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, fmt.Errorf("not valid JSON: %w", err)
		}
		key := tok.(string)
		if _, seen := o.values[key]; !seen {
			o.keys = append(o.keys, key)
		}
		o.values[key] = value
	}
	return o, nil
}

func (o *object) has(key string) bool {
	_, ok := o.values[key]
	return ok
}

func (o *object) set(key string, value any) {
	raw, _ := json.Marshal(value)
	if !o.has(key) {
		o.keys = append(o.keys, key)
	}
	o.values[key] = raw
}

func (o *object) remove(key string) {
	if !o.has(key) {
		return
	}
	delete(o.values, key)
	for i, k := range o.keys {
		if k == key {
			o.keys = append(o.keys[:i], o.keys[i+1:]...)
			break
		}
	}
}

// object returns the nested object at key (an empty one when absent) and whether it was there.
func (o *object) object(key string) (*object, bool, error) {
	raw, ok := o.values[key]
	if !ok {
		return &object{values: map[string]json.RawMessage{}}, false, nil
	}
	nested, err := parseObject(string(raw))
	return nested, true, err
}

func (o *object) setObject(key string, nested *object) {
	if !o.has(key) {
		o.keys = append(o.keys, key)
	}
	o.values[key] = nested.compact()
}

func (o *object) compact() json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(k)
		b.Write(name)
		b.WriteByte(':')
		b.Write(o.values[k])
	}
	b.WriteByte('}')
	return b.Bytes()
}

func (o *object) text() (string, error) {
	var b bytes.Buffer
	if err := json.Indent(&b, o.compact(), "", "  "); err != nil {
		return "", err
	}
	return b.String() + "\n", nil
}

// stripComments removes // and /* */ comments and trailing commas outside strings: tsconfig.json allows them.
func stripComments(text string) string {
	var out strings.Builder
	inString, escaped := false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case inString:
			out.WriteByte(c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
			out.WriteByte(c)
		case c == '/' && i+1 < len(text) && text[i+1] == '/':
			for i < len(text) && text[i] != '\n' {
				i++
			}
			out.WriteByte('\n')
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				return out.String()
			}
			i += end + 3
		case c == ',':
			rest := strings.TrimLeft(text[i+1:], " \t\r\n")
			if rest == "" || rest[0] != '}' && rest[0] != ']' {
				out.WriteByte(c)
			}
		default:
			out.WriteByte(c)
		}
	}
	return out.String()
}
