package fakedesktop

import (
	"context"
	"fmt"
	"time"

	"github.com/godbus/dbus/v5"
)

// callTimeout bounds every call the fake desktop makes into the app under
// test, so a wedged app fails a test instead of hanging it.
const callTimeout = 5 * time.Second

// TrayItem is a registered org.kde.StatusNotifierItem, read the way a panel
// reads it.
type TrayItem struct {
	Bus  string          // unique or well-known bus name of the item's owner
	Path dbus.ObjectPath // the item's object path
	conn *dbus.Conn
}

// MenuEntry is one item of a tray menu, flattened depth-first.
type MenuEntry struct {
	ID      int32
	Label   string
	Type    string // "separator" or "" for a standard item
	Enabled bool
	Visible bool
	Depth   int // 0 for the menu's top level
}

func (it TrayItem) obj() dbus.BusObject { return it.conn.Object(it.Bus, it.Path) }

func (it TrayItem) property(name string) (dbus.Variant, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	var v dbus.Variant
	err := it.obj().CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, itemIface, name).Store(&v)
	if err != nil {
		return v, fmt.Errorf("tray item %s%s property %s: %w", it.Bus, it.Path, name, err)
	}
	return v, nil
}

// Title is the item's Title property (Fyne sets the app's name).
func (it TrayItem) Title() (string, error) {
	v, err := it.property("Title")
	if err != nil {
		return "", err
	}
	s, ok := v.Value().(string)
	if !ok {
		return "", fmt.Errorf("tray item Title is %T, want string", v.Value())
	}
	return s, nil
}

// ToolTip returns the title of the item's ToolTip property (the text a
// panel shows on hover).
func (it TrayItem) ToolTip() (string, error) {
	v, err := it.property("ToolTip")
	if err != nil {
		return "", err
	}
	// (icon name, icon pixmaps, title, description)
	fields, ok := v.Value().([]any)
	if !ok || len(fields) < 3 {
		return "", fmt.Errorf("tray item ToolTip is %T, want a 4-field struct", v.Value())
	}
	s, _ := fields[2].(string)
	return s, nil
}

// MenuPath is the object path of the item's com.canonical.dbusmenu.
func (it TrayItem) MenuPath() (dbus.ObjectPath, error) {
	v, err := it.property("Menu")
	if err != nil {
		return "", err
	}
	p, ok := v.Value().(dbus.ObjectPath)
	if !ok {
		return "", fmt.Errorf("tray item Menu is %T, want an object path", v.Value())
	}
	return p, nil
}

// Menu reads the whole menu with com.canonical.dbusmenu.GetLayout.
func (it TrayItem) Menu() ([]MenuEntry, error) {
	path, err := it.MenuPath()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	call := it.conn.Object(it.Bus, path).CallWithContext(ctx, dbusmenuIntf+".GetLayout", 0,
		int32(0), int32(-1), []string{})
	if call.Err != nil {
		return nil, fmt.Errorf("dbusmenu GetLayout: %w", call.Err)
	}
	if len(call.Body) != 2 {
		return nil, fmt.Errorf("dbusmenu GetLayout: %d return values, want 2", len(call.Body))
	}
	root, ok := call.Body[1].([]any)
	if !ok {
		return nil, fmt.Errorf("dbusmenu GetLayout: layout is %T", call.Body[1])
	}
	var out []MenuEntry
	// The root node is the menu itself, not an item: walk its children.
	if err := walkLayout(root, -1, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// walkLayout decodes one (ia{sv}av) node and its children.
func walkLayout(node []any, depth int, out *[]MenuEntry) error {
	if len(node) != 3 {
		return fmt.Errorf("dbusmenu node has %d fields, want 3", len(node))
	}
	id, _ := node[0].(int32)
	props, _ := node[1].(map[string]dbus.Variant)
	children, _ := node[2].([]dbus.Variant)
	if depth >= 0 {
		e := MenuEntry{ID: id, Enabled: true, Visible: true, Depth: depth}
		if v, ok := props["label"]; ok {
			e.Label, _ = v.Value().(string)
		}
		if v, ok := props["type"]; ok {
			e.Type, _ = v.Value().(string)
		}
		if v, ok := props["enabled"]; ok {
			e.Enabled, _ = v.Value().(bool)
		}
		if v, ok := props["visible"]; ok {
			e.Visible, _ = v.Value().(bool)
		}
		*out = append(*out, e)
	}
	for _, c := range children {
		child, ok := c.Value().([]any)
		if !ok {
			return fmt.Errorf("dbusmenu child is %T", c.Value())
		}
		if err := walkLayout(child, depth+1, out); err != nil {
			return err
		}
	}
	return nil
}

// MenuLabels returns the labels of the visible, non-separator items, in
// menu order.
func (it TrayItem) MenuLabels() ([]string, error) {
	entries, err := it.Menu()
	if err != nil {
		return nil, err
	}
	var labels []string
	for _, e := range entries {
		if e.Type != "separator" && e.Visible {
			labels = append(labels, e.Label)
		}
	}
	return labels, nil
}

// ClickMenu clicks the first visible item labelled label, as a panel does:
// com.canonical.dbusmenu.Event(id, "clicked", "", 0).
func (it TrayItem) ClickMenu(label string) error {
	entries, err := it.Menu()
	if err != nil {
		return err
	}
	path, err := it.MenuPath()
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Label != label || e.Type == "separator" || !e.Visible {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		call := it.conn.Object(it.Bus, path).CallWithContext(ctx, dbusmenuIntf+".Event", 0,
			e.ID, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix()))
		if call.Err != nil {
			return fmt.Errorf("click tray menu %q: %w", label, call.Err)
		}
		return nil
	}
	return fmt.Errorf("tray menu has no item %q", label)
}

// Activate is a left click on the icon (org.kde.StatusNotifierItem.Activate).
func (it TrayItem) Activate() error {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	if call := it.obj().CallWithContext(ctx, itemIface+".Activate", 0, int32(0), int32(0)); call.Err != nil {
		return fmt.Errorf("activate tray item: %w", call.Err)
	}
	return nil
}
