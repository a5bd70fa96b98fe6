package diag

import "strconv"

// GitHubCommand renders one GitHub Actions workflow command (an
// annotation) for something that is not a Diagnostic, such as a failed
// test: level is error, warning or notice; pos may be partly unknown; title
// may be empty. The message may span lines.
func GitHubCommand(level string, pos Pos, title, message string) string {
	var props []string
	if pos.File != "" {
		props = append(props, "file="+escapeProperty(slashPath(pos.File)))
	}
	if pos.Line > 0 {
		props = append(props, "line="+strconv.Itoa(pos.Line))
		if pos.Col > 0 {
			props = append(props, "col="+strconv.Itoa(pos.Col))
		}
	}
	if title != "" {
		props = append(props, "title="+escapeProperty(title))
	}
	s := "::" + level
	for i, p := range props {
		if i == 0 {
			s += " " + p
		} else {
			s += "," + p
		}
	}
	return s + "::" + escapeData(message) + "\n"
}
