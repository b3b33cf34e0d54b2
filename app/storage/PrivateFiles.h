// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/Result.h"

#include <QString>
#include <QStringList>

namespace sb::storage {

/// The data folder holds secrets and personal data: every call's stream token (in the calls
/// table, for crash recovery), phone numbers, transcripts and the audio itself. Only its owner
/// may read it, whatever the umask of the process that created it.
///
/// On POSIX the permissions are set explicitly with chmod (the umask can only take bits away, so
/// a mode given at creation is not enough on its own): folders 0700, files 0600. "Narrowing" only
/// takes bits away (group, others, execute on files): it never makes a read-only file writable.
/// On other systems these functions do nothing and succeed.
inline constexpr int kPrivateFolderMode = 0700;
inline constexpr int kPrivateFileMode = 0600;

/// What preparePrivateFolder() did.
struct PrivateFolderReport
{
    int created = 0;   ///< folders that did not exist yet
    int tightened = 0; ///< existing folders and files whose mode was wider and was narrowed
};

/// Creates `dir` and each of `subfolders` inside it (0700), then narrows what an older version
/// left with the umask's modes (typically 0755 and 0644): every folder and regular file under the
/// subfolders, and the files directly in `dir` whose names match `topLevelFiles` (wildcards, e.g.
/// "switchboard.sqlite*", "*.json"), to 0700 and 0600. Nothing else in `dir` is touched (it may be
/// a folder the user chose). Symbolic links are neither followed nor changed. Errors: `data-dir` (a folder cannot be
/// created or its mode cannot be set); a file whose mode cannot be narrowed is not an error (it is logged).
Result<PrivateFolderReport>
preparePrivateFolder(const QString& dir, const QStringList& subfolders = {}, const QStringList& topLevelFiles = {});

/// Creates `dir` (with its parents) if it does not exist, and then sets the folder it created
/// last, `dir` itself, to 0700. An existing folder is left as it is. False if it cannot be made.
bool makePrivateFolder(const QString& dir);

/// Narrows `path` (an existing regular file) to 0600. False if it does not exist or chmod failed.
bool makeFilePrivate(const QString& path);

/// Creates `path` as an empty file with mode 0600 if it does not exist yet (O_CREAT | O_EXCL, so
/// it is never readable by others, not even for a moment); an existing file is narrowed to 0600.
bool createPrivateFile(const QString& path);

/// Narrows the process umask to 077, so files created later by any part of the process (WAV
/// captures, state files) start out private too. Returns the previous umask (POSIX) or 0.
int restrictUmask();

} // namespace sb::storage
