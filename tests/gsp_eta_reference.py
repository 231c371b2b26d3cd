#!/usr/bin/env python3
# Reference values of GSP's eta for tests/gsp_constant_test.cpp, computed independently of the
# C++ code: mpmath (30 digits) adaptive quadrature of E[2 Phi-bar(eta sqrt(R))], R the minimum of
# two chi-square(n1 - 1), over [0, inf) split at multiples of nu, and mpmath's findroot on the
# logarithm of the equation. About a minute: `python3 tests/gsp_eta_reference.py`.
from mpmath import mp, mpf, quad, erfc, sqrt, gammainc, gamma, exp, log, findroot, inf, expm1, log1p
mp.dps = 30
def g(eta, nu):
    nu = mpf(nu)
    pdf = lambda x: x**(nu/2-1)*exp(-x/2)/(2**(nu/2)*gamma(nu/2))
    sf = lambda x: gammainc(nu/2, x/2, inf, regularized=True)
    f = lambda x: erfc(eta*sqrt(x/2))*2*pdf(x)*sf(x)
    q = nu
    return quad(f, [0, q/8, q/2, q, 2*q, 4*q, inf])
def eta(k, alpha1, n1):
    target = -expm1(log1p(-mpf(alpha1))/(k-1))
    return findroot(lambda e: log(g(e, n1-1)) - log(target), mpf(0.5))
import sys
for k, a, n1 in [(2,0.025,50),(10,0.025,50),(1000,0.025,50),(57624,0.025,50),(1000000,0.025,50),(10,0.05,10),(100,0.05,20)]:
    print(k, a, n1, mp.nstr(eta(k,a,n1), 15))
