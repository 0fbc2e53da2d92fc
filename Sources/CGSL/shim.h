#ifndef SAGIN_CGSL_SHIM_H
#define SAGIN_CGSL_SHIM_H

#include <stddef.h>

#include <gsl/gsl_version.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_bessel.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_interp.h>
#include <gsl/gsl_spline.h>
/* GSL's declaration of the standard CBLAS interface; the symbols are served by OpenBLAS. */
#include <gsl/gsl_cblas.h>

/* OpenBLAS extensions (declared in OpenBLAS's cblas.h, which cannot be included next to GSL's
   gsl_cblas.h: their CBLAS_TRANSPOSE enums differ). */
char *openblas_get_corename(void);
char *openblas_get_config(void);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int num_threads);

/* Swift 6 language mode rejects reading C globals that are not concurrency-safe; hand them out
   through functions instead. */
static inline const gsl_rng_type *cgsl_rng_mt19937(void) { return gsl_rng_mt19937; }
static inline const char *cgsl_version(void) { return gsl_version; }
static inline const gsl_root_fsolver_type *cgsl_root_fsolver_brent(void) { return gsl_root_fsolver_brent; }
static inline const gsl_root_fsolver_type *cgsl_root_fsolver_bisection(void) { return gsl_root_fsolver_bisection; }
static inline const gsl_root_fsolver_type *cgsl_root_fsolver_falsepos(void) { return gsl_root_fsolver_falsepos; }
static inline const gsl_interp_type *cgsl_interp_linear(void) { return gsl_interp_linear; }
static inline const gsl_interp_type *cgsl_interp_cspline(void) { return gsl_interp_cspline; }
static inline const gsl_interp_type *cgsl_interp_akima(void) { return gsl_interp_akima; }
static inline const gsl_interp_type *cgsl_interp_steffen(void) { return gsl_interp_steffen; }

/* dladdr is a GNU extension; declaring it here (layout of glibc's Dl_info) avoids defining
   _GNU_SOURCE, which would make glibc's headers differ between this module and Swift's Glibc. */
typedef struct { const char *dli_fname; void *dli_fbase; const char *dli_sname; void *dli_saddr; } cgsl_dl_info;
extern int dladdr(const void *addr, cgsl_dl_info *info);

/* The shared object that serves cblas_sgemm in this process (NULL if unknown). */
static inline const char *cgsl_sgemm_library_path(void) {
  cgsl_dl_info info;
  if (dladdr((const void *)&cblas_sgemm, &info) != 0 && info.dli_fname != NULL) return info.dli_fname;
  return NULL;
}

#endif
