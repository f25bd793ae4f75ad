//go:build !windows

package notify

// iconArg returns what BeeepSender passes beeep as the icon: the PNG bytes
// when set (sent inline, the D-Bus image-data hint), else IconPath. Only
// Windows needs a file that outlives the call (icon_windows.go).
func (s BeeepSender) iconArg(string) (any, error) {
	if len(s.Icon) > 0 {
		return s.Icon, nil
	}
	return s.IconPath, nil
}
