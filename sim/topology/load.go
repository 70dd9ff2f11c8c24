package topology

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ScenarioAPIVersion is the apiVersion of the Scenario document.
const ScenarioAPIVersion = "calisim/v1alpha1"

// Load reads a scenario from files and folders, validates it and resolves
// Calico's defaults. A folder contributes every *.yaml, *.yml and *.json file
// in it and in its subfolders (not those whose name starts with a dot), in
// path order, as netpol-analyzer reads a folder of manifests. Exactly one Scenario
// document may appear across everything; with none, calisim makes up a
// default underlay and says so in a Warning.
//
// Every problem a user can fix is a *FieldError; all of them are reported
// together, sorted by file and line, joined with errors.Join.
func Load(paths ...string) (*Scenario, error) {
	if len(paths) == 0 {
		return nil, &FieldError{Err: errors.New("no scenario file given")}
	}
	l := newLoader()
	l.readDisk = true
	for _, p := range paths {
		if err := l.addPath(p, Pos{}); err != nil {
			return nil, err
		}
	}
	return l.finish()
}

// LoadBytes loads a scenario from one file's bytes, named name in errors.
// spec.include is refused: LoadBytes never reads the disk.
func LoadBytes(name string, data []byte) (*Scenario, error) {
	if len(data) > MaxFileSize {
		return nil, &FieldError{File: name, Err: fmt.Errorf("%d bytes; at most %d (16 MiB)", len(data), MaxFileSize)}
	}
	l := newLoader()
	if err := l.addBytes(name, data); err != nil {
		return nil, err
	}
	return l.finish()
}

// loader holds the state of one load.
type loader struct {
	readDisk bool
	errs     errList
	nm       notModelledSet
	dec      *decoder
	warnings []Warning

	files []string        // in reading order
	seen  map[string]bool // absolute paths read
	// incRoot is the scenario's folder (absolute, symlinks evaluated) while
	// spec.include is read: every file read for an include must be in it
	incRoot string
	docs    []*document
	ndocs   int
	scen    *document // the Scenario document
	sf      ScenarioFile
	in      inputs // resources decoded, in input order
	kinds   map[string]resourceKind
	// kinds not modelled, in order of first appearance
	skipped    []skippedKind
	skippedIdx map[string]int
	nodeIdx    map[string]int // node name -> index in sc.Nodes
}

func newLoader() *loader {
	l := &loader{seen: map[string]bool{}, kinds: resourceKinds()}
	l.dec = newDecoder(&l.errs, &l.nm, &l.warnings)
	return l
}

// addPath adds a file or a folder given on the command line (from is zero)
// or by spec.include.
func (l *loader) addPath(p string, from Pos) error {
	fi, err := os.Stat(p)
	if err != nil {
		return l.pathError(from, p, err)
	}
	if !fi.IsDir() {
		return l.addFile(p, from)
	}
	var files []string
	err = filepath.WalkDir(p, func(q string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if q != p && strings.HasPrefix(e.Name(), ".") {
				return filepath.SkipDir // .git and the like
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".yaml", ".yml", ".json":
			if len(files) >= MaxFiles {
				return fmt.Errorf("more than %d files", MaxFiles)
			}
			files = append(files, q)
		}
		return nil
	})
	if err != nil {
		return l.pathError(from, p, err)
	}
	if len(files) == 0 {
		l.warnings = append(l.warnings, Warning{Pos: posOr(from, p), Message: fmt.Sprintf("folder %s holds no *.yaml, *.yml or *.json file", p)})
	}
	for _, f := range files {
		if err := l.addFile(f, from); err != nil {
			return err
		}
	}
	return nil
}

func posOr(p Pos, file string) Pos {
	if p.IsValid() {
		return p
	}
	return Pos{File: file}
}

func (l *loader) pathError(from Pos, p string, err error) error {
	if from.IsValid() {
		return Errorf(from, "", "include %s: %v", p, unwrapPathError(err))
	}
	return &FieldError{File: p, Err: unwrapPathError(err)}
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// addFile reads one file, refusing files over MaxFileSize before reading.
func (l *loader) addFile(p string, from Pos) error {
	abs, err := filepath.Abs(p)
	if err == nil {
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
		if from.IsValid() && l.incRoot != "" && !inside(l.incRoot, abs) {
			return Errorf(from, "", "include: %s leaves the scenario's folder (a symbolic link to %s)", p, abs)
		}
		if l.seen[abs] {
			return nil
		}
		l.seen[abs] = true
	}
	if len(l.files) >= MaxFiles {
		return Errorf(posOr(from, p), "", "more than %d files", MaxFiles)
	}
	f, err := os.Open(p)
	if err != nil {
		return l.pathError(from, p, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return l.pathError(from, p, err)
	}
	if !fi.Mode().IsRegular() {
		return &FieldError{File: p, Err: errors.New("not a regular file")}
	}
	if fi.Size() > MaxFileSize {
		return &FieldError{File: p, Err: fmt.Errorf("%d bytes; at most %d (16 MiB)", fi.Size(), MaxFileSize)}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return l.pathError(from, p, err)
	}
	if len(data) > MaxFileSize {
		return &FieldError{File: p, Err: fmt.Errorf("more than %d bytes (16 MiB)", MaxFileSize)}
	}
	return l.addBytes(p, data)
}

// addBytes parses one file and sorts out its documents.
func (l *loader) addBytes(name string, data []byte) error {
	l.files = append(l.files, name)
	docs, err := parseYAML(name, data)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return &FieldError{File: name, Err: errors.New("no documents: the file holds only comments or empty documents")}
	}
	l.ndocs += len(docs)
	if l.ndocs > MaxDocuments {
		return &FieldError{File: name, Err: fmt.Errorf("more than %d documents in all", MaxDocuments)}
	}
	for _, d := range docs {
		if isScenario(d.root) {
			if l.scen != nil {
				k := d.root.get("kind")
				l.errs.add(&FieldError{File: d.file, Line: k.line, Col: k.col, Path: "kind",
					Err: fmt.Errorf("a second Scenario document (the first is at %s:%d); give one scenario per load", l.scen.file, l.scen.root.line)})
				continue
			}
			l.scen = d
			continue
		}
		l.docs = append(l.docs, d)
	}
	return nil
}

func isScenario(n *ynode) bool {
	return n.kind == nodeMap && n.get("kind").str() == "Scenario" &&
		(n.get("apiVersion").str() == ScenarioAPIVersion || strings.HasPrefix(n.get("apiVersion").str(), "calisim/"))
}

// includes reads spec.include: paths relative to the scenario file that must
// stay inside its folder after cleaning and symlink evaluation.
func (l *loader) includes() {
	if len(l.sf.Spec.Include) == 0 {
		return
	}
	if !l.readDisk {
		for _, inc := range l.sf.Spec.Include {
			l.errs.addf(inc.Pos, "", "spec.include is not available here (loading from bytes, not files)")
		}
		return
	}
	base := filepath.Dir(l.scen.file)
	root, err := filepath.Abs(base)
	if err == nil {
		if r, err2 := filepath.EvalSymlinks(root); err2 == nil {
			root = r
		}
	}
	for _, inc := range l.sf.Spec.Include {
		if inc.Value == "" {
			l.errs.addf(inc.Pos, "", "empty include")
			continue
		}
		p := inc.Value
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		p = filepath.Clean(p)
		abs, err := filepath.Abs(p)
		if err != nil {
			l.errs.addf(inc.Pos, "", "include %q: %v", inc.Value, err)
			continue
		}
		if absBase, err := filepath.Abs(base); err == nil && !inside(absBase, abs) {
			l.errs.addf(inc.Pos, "", "include %q leaves the scenario's folder %s", inc.Value, base)
			continue
		}
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			l.errs.addf(inc.Pos, "", "include %q: %v", inc.Value, unwrapPathError(err))
			continue
		}
		if !inside(root, real) {
			l.errs.addf(inc.Pos, "", "include %q leaves the scenario's folder %s", inc.Value, base)
			continue
		}
		l.incRoot = root
		err = l.addPath(p, inc.Pos)
		l.incRoot = ""
		if err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				l.errs.add(fe)
			} else {
				l.errs.addf(inc.Pos, "", "%v", err)
			}
		}
	}
}

// inside reports whether path p is root or below it (both absolute, cleaned).
func inside(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// finish decodes every document, builds the model and validates it.
func (l *loader) finish() (*Scenario, error) {
	if l.scen != nil {
		l.dec.doc, l.dec.kind, l.dec.base = l.scen, "", ""
		l.dec.decode(l.scen.root, "", reflectValue(&l.sf))
		if l.sf.APIVersion != ScenarioAPIVersion {
			l.errs.add(Errorf(l.scen.pos(l.scen.root.get("apiVersion"), "apiVersion"), "", "apiVersion %q; this calisim reads %s", l.sf.APIVersion, ScenarioAPIVersion))
		}
		l.includes()
	}
	for _, d := range l.docs {
		l.resource(d, d.root, "")
	}
	sc := l.build()
	if err := l.errs.err(); err != nil {
		return nil, err
	}
	return sc, nil
}
