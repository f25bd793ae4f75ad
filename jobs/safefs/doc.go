// Package safefs is the one package that writes files for the whole app.
// Every write follows the same rules, so no caller can get one of them
// wrong on its own:
//
//   - a new name is taken with O_EXCL or link(2), never after a look that
//     another process could overtake: a file that appears meanwhile makes
//     the call pick the next free name (or fail with fs.ErrExist), it is
//     never replaced;
//   - content reaches its name complete: written to a temporary file in
//     the same folder, synced, then linked or renamed into place, and the
//     folder synced after;
//   - a move never replaces what is at the destination (renameat2 with
//     RENAME_NOREPLACE on Linux, renamex_np with RENAME_EXCL on macOS,
//     MoveFileEx without MOVEFILE_REPLACE_EXISTING on Windows; link and
//     unlink where those are missing);
//   - files the app reads from folders others can write to are opened
//     without following a symbolic link, and their Identity (device,
//     inode, size, mtime) says whether the file is still the one seen
//     before.
//
// Temporary files start with a dot and end in ".tmp", so watched folders
// and the presets list skip them.
package safefs
