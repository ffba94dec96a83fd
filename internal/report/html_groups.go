package report

import (
	"fmt"
	"math"
)

// The HTML report's localization and dating sections (check --group-by): per grouped column a
// table with a small bar chart of each group's part of the exposed records against its part of
// the registry, and per date column a timeline (inline SVG) of registry records and exposed
// records per bucket, with the snapshot window shaded.

type htmlGroup struct {
	Column, Summary string
	Rows            []htmlBucket
	Timeline        *htmlTimeline // date columns only
	Window          string        // the dating's window in words, date columns only
}

type htmlBucket struct {
	Value, Records, Exposed, Share, Range, OfExposed, OfRegistry string
	Over                                                         bool
	// Bar widths (of groupBarW) of the group's part of the exposed records and of the registry.
	ExposedW, RegistryW float64
}

// groupBarW is the width of the bars in the localization table.
const groupBarW = 160.0

type htmlTimeline struct {
	Width, Height            int
	PlotX, PlotW             float64
	RegTop, ExpTop, PanelH   float64
	AxisY                    float64
	MaxRecords, MaxExposed   string
	Bars                     []timelineBar
	Labels                   []chartTick
	WindowX, WindowW         float64
	WindowY, WindowH         float64
	HasWindow                bool
	WindowLabel              string
	WindowLabelX             float64
	RegLabelY, ExpLabelY     float64
	RegistryTitle, ExpoTitle string
}

type timelineBar struct {
	X, W             float64
	RegY, RegH       float64
	ExpY, ExpH       float64
	Title            string
	InWindow, Pooled bool
}

func htmlGroupsOf(r *Report) []htmlGroup {
	var out []htmlGroup
	for _, g := range r.Groups {
		hg := htmlGroup{Column: g.Column, Summary: capitalize(g.Summary)}
		var d *DatingReport
		for i := range r.Dating {
			if r.Dating[i].Column == g.Column && g.Unit != "" {
				d = &r.Dating[i]
			}
		}
		if d != nil {
			hg.Timeline = timelineOf(g, d)
			hg.Window = windowWords(d)
			out = append(out, hg)
			continue
		}
		for _, b := range g.Buckets {
			hb := htmlBucket{
				Value: b.Value, Records: Thousands(b.Records), Exposed: Thousands(b.Exposed),
				Share: pctRound(b.Share), Range: pctRound(b.CI95[0]) + " to " + pctRound(b.CI95[1]),
				OfExposed: pctRoundPtr(b.ShareOfExposed), OfRegistry: pctRound(b.ShareOfRegistry),
				Over: b.OverRepresented, RegistryW: b.ShareOfRegistry * groupBarW,
			}
			if b.ShareOfExposed != nil {
				hb.ExposedW = *b.ShareOfExposed * groupBarW
			}
			hg.Rows = append(hg.Rows, hb)
		}
		out = append(out, hg)
	}
	return out
}

func windowWords(d *DatingReport) string {
	switch {
	case d.SnapshotNotBefore == nil:
		return "cannot be dated"
	case d.SnapshotNotAfter == nil:
		return "on or after " + longDate(*d.SnapshotNotBefore)
	}
	return longDate(*d.SnapshotNotBefore) + " to " + longDate(*d.SnapshotNotAfter)
}

// timelineOf draws a date column's buckets: registry records in the upper panel, exposed
// records in the lower one, each to its own scale, the buckets the snapshot window touches
// shaded across both.
func timelineOf(g GroupReport, d *DatingReport) *htmlTimeline {
	const (
		width  = 880
		plotX  = 150.0
		plotW  = 700.0
		top    = 26.0
		panelH = 90.0
		gap    = 26.0
	)
	t := &htmlTimeline{Width: width, PlotX: plotX, PlotW: plotW, RegTop: top, PanelH: panelH, ExpTop: top + panelH + gap}
	t.AxisY = t.ExpTop + panelH
	t.Height = int(t.AxisY) + 40
	t.RegLabelY, t.ExpLabelY = top+panelH/2, t.ExpTop+panelH/2
	var maxRec, maxExp int64 = 1, 1
	for _, b := range g.Buckets {
		maxRec, maxExp = max(maxRec, b.Records), max(maxExp, b.Exposed)
	}
	t.MaxRecords, t.MaxExposed = Thousands(maxRec), Thousands(maxExp)
	t.RegistryTitle = fmt.Sprintf("registry records a %s (up to %s)", g.Unit, Thousands(maxRec))
	t.ExpoTitle = fmt.Sprintf("exposed records a %s (up to %s)", g.Unit, Thousands(maxExp))
	n := len(g.Buckets)
	if n == 0 {
		return nil
	}
	step := plotW / float64(n)
	w := math.Max(1, step*0.8)
	every := max(1, int(math.Ceil(float64(n)/12))) // at most about 12 labels
	lo, hi := -1, -1
	for i, b := range g.Buckets {
		x := plotX + float64(i)*step + (step-w)/2
		rh := float64(b.Records) / float64(maxRec) * panelH
		eh := float64(b.Exposed) / float64(maxExp) * panelH
		if b.Exposed > 0 {
			eh = math.Max(eh, 1.5)
		}
		bar := timelineBar{X: x, W: w, RegY: top + panelH - rh, RegH: rh, ExpY: t.ExpTop + panelH - eh, ExpH: eh,
			Title:  fmt.Sprintf("%s: %s registry records, %s exposed", b.Value, Thousands(b.Records), Thousands(b.Exposed)),
			Pooled: b.Value == OtherGroup}
		if d.SnapshotNotBefore != nil && !bar.Pooled && inWindow(b.Value, *d.SnapshotNotBefore, d.SnapshotNotAfter, g.Unit) {
			bar.InWindow = true
			if lo < 0 {
				lo = i
			}
			hi = i
		}
		t.Bars = append(t.Bars, bar)
		if i%every == 0 {
			t.Labels = append(t.Labels, chartTick{X: plotX + float64(i)*step + step/2, Label: b.Value})
		}
	}
	if lo >= 0 {
		t.HasWindow = true
		t.WindowX, t.WindowW = plotX+float64(lo)*step, float64(hi-lo+1)*step
		t.WindowY, t.WindowH = top-4, t.AxisY-top+4
		t.WindowLabel = "copy taken: " + windowWords(d)
		t.WindowLabelX = math.Min(t.WindowX+t.WindowW/2, plotX+plotW-120)
	}
	return t
}
