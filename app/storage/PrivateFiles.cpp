// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/PrivateFiles.h"

#include "storage/StorageLog.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace sb::storage {

#ifdef Q_OS_UNIX
namespace {

/// Takes away from `path` (not following a symbolic link) every permission bit outside `mode`:
/// 0644 becomes 0600, but a read-only 0444 becomes 0400, never writable.
/// 1: narrowed, 0: already so, -1: failed (errno set).
int narrow(const QString& path, mode_t mode)
{
    const QByteArray native = QFile::encodeName(path);
    struct stat st = {};
    if (::lstat(native.constData(), &st) != 0)
        return -1;
    if (S_ISLNK(st.st_mode))
        return 0;
    const mode_t current = st.st_mode & 07777;
    if ((current & ~mode) == 0)
        return 0;
    return ::chmod(native.constData(), current & mode) == 0 ? 1 : -1;
}

} // namespace
#endif

Result<PrivateFolderReport>
preparePrivateFolder(const QString& dir, const QStringList& subfolders, const QStringList& topLevelFiles)
{
    PrivateFolderReport report;
    QStringList folders{dir};
    for (const QString& sub : subfolders)
        folders << QDir(dir).filePath(sub);
    for (const QString& folder : folders) {
        if (!QFileInfo(folder).isDir()) {
            if (!QDir().mkpath(folder))
                return makeError(
                    QStringLiteral("data-dir"),
                    QStringLiteral("cannot create the data folder %1").arg(QDir::toNativeSeparators(folder)));
            ++report.created;
        }
#ifdef Q_OS_UNIX
        if (narrow(folder, kPrivateFolderMode) < 0)
            return makeError(QStringLiteral("data-dir"),
                             QStringLiteral("cannot make the data folder %1 private: %2")
                                 .arg(QDir::toNativeSeparators(folder), QString::fromLocal8Bit(std::strerror(errno))));
#endif
    }
#ifdef Q_OS_UNIX
    auto tighten = [&report](const QFileInfo& info) {
        if (!info.isDir() && !info.isFile())
            return; // sockets, fifos: not ours
        const int done = narrow(info.filePath(), info.isDir() ? kPrivateFolderMode : kPrivateFileMode);
        if (done > 0)
            ++report.tightened;
        else if (done < 0)
            qCWarning(lcStorage).noquote() << "cannot make" << QDir::toNativeSeparators(info.filePath())
                                           << "private:" << QString::fromLocal8Bit(std::strerror(errno));
    };
    // Only what Switchboard keeps there: the data folder may be one the user chose (--data-dir),
    // so files of others beside ours are left alone.
    const QFileInfoList top = QDir(dir).entryInfoList(
        topLevelFiles, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks | QDir::NoDotAndDotDot);
    for (const QFileInfo& info : top)
        tighten(info);
    for (const QString& sub : subfolders) {
        QDirIterator it(QDir(dir).filePath(sub),
                        QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot | QDir::NoSymLinks,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            tighten(it.fileInfo());
        }
    }
#else
    Q_UNUSED(topLevelFiles)
#endif
    return report;
}

bool makePrivateFolder(const QString& dir)
{
    if (QFileInfo(dir).isDir())
        return true;
    if (!QDir().mkpath(dir))
        return false;
#ifdef Q_OS_UNIX
    return narrow(dir, kPrivateFolderMode) >= 0;
#else
    return true;
#endif
}

bool makeFilePrivate(const QString& path)
{
#ifdef Q_OS_UNIX
    return narrow(path, kPrivateFileMode) >= 0;
#else
    return QFileInfo::exists(path);
#endif
}

bool createPrivateFile(const QString& path)
{
#ifdef Q_OS_UNIX
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kPrivateFileMode);
    if (fd >= 0) {
        const bool ok = ::fchmod(fd, kPrivateFileMode) == 0;
        ::close(fd);
        return ok;
    }
    if (errno != EEXIST)
        return false;
    return makeFilePrivate(path);
#else
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Append);
#endif
}

int restrictUmask()
{
#ifdef Q_OS_UNIX
    return int(::umask(077));
#else
    return 0;
#endif
}

} // namespace sb::storage
